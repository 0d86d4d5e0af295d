package org.dlema.data.augment;

import java.util.SplittableRandom;
import org.dlema.data.preprocess.Normalization;

/**
 * One draw of brightness, contrast and hue changes, applied to an image in raw 0..255 space.
 *
 * <p>All three are affine maps that fix the grey axis (contrast scales about the grey point (m, m, m), brightness moves
 * along it, the hue rotation turns around it), so they commute and the order below does not matter before clamping.
 */
final class Photometry {
  private final double offset;
  private final double factor;
  private final double[][] rotation;

  /** Draws exactly three values, whatever is enabled. */
  static Photometry draw(AugmentationSettings settings, SplittableRandom random) {
    double offset = 255 * settings.brightness() * Geometry.symmetric(random);
    double factor = 1 + settings.contrast() * Geometry.symmetric(random);
    double angle = 2 * Math.PI * settings.hue() * Geometry.symmetric(random);
    return new Photometry(offset, factor, angle);
  }

  Photometry(double offset, double factor, double angle) {
    this.offset = offset;
    this.factor = factor;
    this.rotation = greyAxisRotation(angle);
  }

  /**
   * Rodrigues' rotation about the unit grey axis k = (1, 1, 1) / sqrt(3): cos I + sin [k]x + (1 - cos) k k^T. It keeps
   * each pixel's channel mean, hence grey pixels grey, unlike luminance-weighted hue matrices.
   */
  static double[][] greyAxisRotation(double angle) {
    double cos = Math.cos(angle);
    double diagonal = cos + (1 - cos) / 3;
    double other = (1 - cos) / 3;
    double cross = Math.sin(angle) / Math.sqrt(3);
    return new double[][] {
        {diagonal, other - cross, other + cross},
        {other + cross, diagonal, other - cross},
        {other - cross, other + cross, diagonal}};
  }

  /** Transforms normalised interleaved RGB in place: de-normalise, change, clamp to 0..255, re-normalise. */
  void apply(float[] hwc, Normalization normalization) {
    double[] mean = normalization.mean();
    double[] std = normalization.std();
    double[] raw = new double[hwc.length];
    double sum = 0;
    for (int i = 0; i < hwc.length; i++) {
      raw[i] = hwc[i] * std[i % 3] + mean[i % 3];
      sum += raw[i];
    }
    double grey = sum / hwc.length;
    double[] rgb = new double[3];
    for (int p = 0; p < hwc.length; p += 3) {
      for (int c = 0; c < 3; c++) {
        rgb[c] = grey + factor * (raw[p + c] - grey) + offset;
      }
      for (int c = 0; c < 3; c++) {
        double[] row = rotation[c];
        double value = row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2];
        value = Math.min(Math.max(value, 0), 255);
        hwc[p + c] = (float) ((value - mean[c]) / std[c]);
      }
    }
  }
}
