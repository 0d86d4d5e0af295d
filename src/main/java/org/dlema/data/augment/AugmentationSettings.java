package org.dlema.data.augment;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * What the training input pipeline may change in an image and its masks. A plain record of primitives so that it is
 * stored as is in a run's configuration.
 *
 * @param flips random horizontal and vertical flips, each with probability 1/2
 * @param rotate90 a random multiple of a quarter turn
 * @param scale zoom factor drawn uniformly in {@code [1 - scale, 1 + scale]}; above 1 magnifies
 * @param shift translation drawn uniformly in {@code [-shift, shift]} times the side, per axis
 * @param brightness offset drawn uniformly in {@code [-brightness, brightness]} times 255, added to every channel
 * @param contrast factor drawn uniformly in {@code [1 - contrast, 1 + contrast]}, applied around the image's grey
 *     mean (the mean of all its channels), so that contrast alone does not tint the image
 * @param hue rotation of the colours around the grey axis by a fraction drawn uniformly in {@code [-hue, hue]} of a
 *     full turn
 */
public record AugmentationSettings(boolean flips, boolean rotate90, double scale, double shift, double brightness,
    double contrast, double hue) {
  public AugmentationSettings {
    // The negated forms also reject NaN.
    checkArgument(scale >= 0 && scale < 1, "scale must be in [0, 1) so that the zoom stays positive, got %s", scale);
    checkArgument(shift >= 0 && shift <= 1, "shift must be in [0, 1] (a fraction of the side), got %s", shift);
    checkArgument(brightness >= 0 && brightness <= 1, "brightness must be in [0, 1], got %s", brightness);
    checkArgument(contrast >= 0 && contrast <= 1, "contrast must be in [0, 1], got %s", contrast);
    checkArgument(hue >= 0 && hue <= 0.5, "hue must be in [0, 0.5] (half a turn covers every hue), got %s", hue);
  }

  /** No augmentation: the paper's setting; the augmenter then returns exact copies. */
  public static AugmentationSettings none() {
    return new AugmentationSettings(false, false, 0, 0, 0, 0, 0);
  }

  /** Dihedral symmetries plus mild zoom, shift and colour changes. */
  public static AugmentationSettings standard() {
    return new AugmentationSettings(true, true, 0.1, 0.05, 0.1, 0.1, 0.02);
  }

  /** Flips and quarter turns only: exact permutations of the pixels, no interpolation, no colour change. */
  public static AugmentationSettings dihedral() {
    return new AugmentationSettings(true, true, 0, 0, 0, 0, 0);
  }

  /** The standard geometry (flips, quarter turns, zoom, shift) without colour changes. */
  public static AugmentationSettings geometric() {
    return new AugmentationSettings(true, true, 0.1, 0.05, 0, 0, 0);
  }

  /** The settings called {@code "none"}, {@code "dihedral"}, {@code "geometric"} or {@code "standard"}. */
  public static AugmentationSettings parse(String name) {
    return switch (name) {
      case "none" -> none();
      case "dihedral" -> dihedral();
      case "geometric" -> geometric();
      case "standard" -> standard();
      default -> throw new IllegalArgumentException(
          "unknown augmentation '" + name + "': expected one of " + String.join(", ", NAMES));
    };
  }

  /** The names {@link #parse} knows. */
  public static final List<String> NAMES = List.of("none", "dihedral", "geometric", "standard");

  /** The name of the preset these settings are (as {@code --augment} takes it), else every field. */
  public String describe() {
    for (String name : NAMES) {
      if (parse(name).equals(this)) {
        return name;
      }
    }
    return toString();
  }

  /** Whether anything may change. */
  public boolean enabled() {
    return flips || rotate90 || resamples() || photometric();
  }

  /** Whether zoom or shift can move pixels off the integer grid. */
  boolean resamples() {
    return scale > 0 || shift > 0;
  }

  /** Whether the image's colours may change. */
  boolean photometric() {
    return brightness > 0 || contrast > 0 || hue > 0;
  }
}
