package org.dlema.data.augment;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.SplittableRandom;
import org.dlema.data.preprocess.Normalization;

/**
 * Augments one training image and its annotation masks. Each call draws one geometric transform and applies it to the
 * image (bilinear) and to every mask (nearest neighbour, so masks stay exactly 0/1), then changes the image's colours.
 *
 * <p>Each call takes exactly {@link #DRAWS} values from the random stream whatever the settings, so that streams of
 * runs with different settings stay aligned. With {@link AugmentationSettings#none()} the result equals the input.
 * Inputs are never modified: they are the cached training data.
 */
public final class Augmenter {
  /** Random values taken per call: six geometric (two flips, turns, zoom, two shifts), three photometric. */
  public static final int DRAWS = 9;

  private final AugmentationSettings settings;
  private final Normalization normalization;
  private final int side;

  /**
   * @param normalization how the images were normalised, to change colours in raw 0..255 space
   * @param side the width and height of the square images and masks
   */
  public Augmenter(AugmentationSettings settings, Normalization normalization, int side) {
    checkArgument(side > 0, "side must be positive, got %s", side);
    this.settings = settings;
    this.normalization = normalization;
    this.side = side;
  }

  /**
   * The augmented copies of {@code image} (normalised, {@code side * side * 3}, HWC) and of {@code masks} (each
   * {@code side * side}).
   */
  public Augmented apply(float[] image, float[][] masks, SplittableRandom random) {
    int pixels = side * side;
    checkArgument(image.length == pixels * 3, "image has %s values, expected %s", image.length, pixels * 3);
    for (float[] mask : masks) {
      checkArgument(mask.length == pixels, "mask has %s values, expected %s", mask.length, pixels);
    }
    Geometry geometry = Geometry.draw(settings, side, random);
    Photometry photometry = Photometry.draw(settings, random);
    float[] outImage = geometry.image(image, 3);
    float[][] outMasks = new float[masks.length][];
    for (int m = 0; m < masks.length; m++) {
      outMasks[m] = geometry.mask(masks[m], 1);
    }
    // Skipped when off, since the round trip through raw space is not exact in floats.
    if (settings.photometric()) {
      photometry.apply(outImage, normalization);
    }
    return new Augmented(outImage, outMasks);
  }

  /**
   * A map of the augmented image (e.g. the weights learned for it) in the image's own frame: {@code random} must be
   * in the state {@link #apply} was called with, so that the same transform is drawn. Null when the settings zoom or
   * shift (such a transform loses and repeats pixels: no exact inverse); flips and quarter turns always have one.
   */
  public float[] undo(float[] map, SplittableRandom random) {
    checkArgument(map.length == side * side, "map has %s values, expected %s", map.length, side * side);
    return settings.resamples() ? null : Geometry.draw(settings, side, random).undo(map);
  }

  /** An augmented image and its masks, in the input's layout. */
  public record Augmented(float[] image, float[][] masks) {}
}
