package org.dlema.data.synth;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Knobs of {@link SyntheticLesionGenerator}.
 *
 * @param size side of the square images, in pixels
 * @param hairProbability chance that an image gets dark hair strands drawn over it
 * @param vignettingProbability chance that an image gets dermatoscope-like dark corners
 */
public record SyntheticLesionSettings(int size, double hairProbability, double vignettingProbability) {
  /** Below this the lesion geometry (radius >= 12% of the side) degenerates to a pixel or two. */
  public static final int MIN_SIZE = 16;

  public SyntheticLesionSettings {
    checkArgument(size >= MIN_SIZE, "size must be at least %s, got %s", MIN_SIZE, size);
    checkArgument(hairProbability >= 0 && hairProbability <= 1, "hairProbability not in [0, 1]: %s", hairProbability);
    checkArgument(vignettingProbability >= 0 && vignettingProbability <= 1,
        "vignettingProbability not in [0, 1]: %s", vignettingProbability);
  }

  public static final double DEFAULT_HAIR = 0.4;
  public static final double DEFAULT_VIGNETTING = 0.5;

  public static SyntheticLesionSettings defaults(int size) {
    return new SyntheticLesionSettings(size, DEFAULT_HAIR, DEFAULT_VIGNETTING);
  }
}
