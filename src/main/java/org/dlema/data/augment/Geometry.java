package org.dlema.data.augment;

import static com.google.common.base.Preconditions.checkState;

import java.util.SplittableRandom;

/**
 * One draw of flips, quarter turns, zoom and shift, kept as a single inverse mapping from each output pixel to a
 * source position so that the image and every mask are resampled through the same transform.
 *
 * <p>Forward, about the image centre: mirror x and/or y, turn by quarter turns, zoom, then shift. Positions outside the
 * source are clamped to the border (replicated edge) for the image and the masks alike: a lesion that touches the
 * border keeps touching it, and the image and mask agree there instead of one being padded with skin-less zeros.
 */
final class Geometry {
  private final int side;
  /** Source pixel of each output pixel, by nearest neighbour (masks; the image too when the mapping is exact). */
  private final int[] nearest;
  /** Bilinear corners and weights, or null when the mapping is a permutation of pixels. */
  private final int[] x0;
  private final int[] x1;
  private final int[] y0;
  private final int[] y1;
  private final float[] wx;
  private final float[] wy;

  /** Draws exactly six values, whatever is enabled. */
  static Geometry draw(AugmentationSettings settings, int side, SplittableRandom random) {
    boolean flipX = random.nextBoolean();
    boolean flipY = random.nextBoolean();
    int turns = random.nextInt(4);
    double zoom = 1 + settings.scale() * symmetric(random);
    double shiftX = settings.shift() * side * symmetric(random);
    double shiftY = settings.shift() * side * symmetric(random);
    if (!settings.flips()) {
      flipX = false;
      flipY = false;
    }
    if (!settings.rotate90()) {
      turns = 0;
    }
    return new Geometry(side, flipX, flipY, turns, zoom, shiftX, shiftY);
  }

  /** Uniform in [-1, 1). */
  static double symmetric(SplittableRandom random) {
    return 2 * random.nextDouble() - 1;
  }

  Geometry(int side, boolean flipX, boolean flipY, int turns, double zoom, double shiftX, double shiftY) {
    this.side = side;
    // Inverse of the dihedral part as an integer matrix: undo the turns (one inverse turn maps (u, v) to (v, -u)),
    // then the flips, which are their own inverse.
    int a = 1, b = 0, c = 0, d = 1;
    for (int t = 0; t < turns; t++) {
      int na = c, nb = d, nc = -a, nd = -b;
      a = na;
      b = nb;
      c = nc;
      d = nd;
    }
    if (flipX) {
      a = -a;
      b = -b;
    }
    if (flipY) {
      c = -c;
      d = -d;
    }
    int n = side * side;
    nearest = new int[n];
    if (zoom == 1 && shiftX == 0 && shiftY == 0) {
      // Doubled centred coordinates are integers, so the flips and turns are exact permutations.
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          int u = 2 * x + 1 - side;
          int v = 2 * y + 1 - side;
          int sx = (a * u + b * v + side - 1) / 2;
          int sy = (c * u + d * v + side - 1) / 2;
          nearest[y * side + x] = sy * side + sx;
        }
      }
      x0 = x1 = y0 = y1 = null;
      wx = wy = null;
      return;
    }
    x0 = new int[n];
    x1 = new int[n];
    y0 = new int[n];
    y1 = new int[n];
    wx = new float[n];
    wy = new float[n];
    double centre = side / 2.0;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double p = (x + 0.5 - centre - shiftX) / zoom;
        double q = (y + 0.5 - centre - shiftY) / zoom;
        double sx = clamp(a * p + b * q + centre - 0.5);
        double sy = clamp(c * p + d * q + centre - 0.5);
        int i = y * side + x;
        x0[i] = (int) Math.floor(sx);
        y0[i] = (int) Math.floor(sy);
        x1[i] = Math.min(x0[i] + 1, side - 1);
        y1[i] = Math.min(y0[i] + 1, side - 1);
        wx[i] = (float) (sx - x0[i]);
        wy[i] = (float) (sy - y0[i]);
        nearest[i] = (int) Math.floor(sy + 0.5) * side + (int) Math.floor(sx + 0.5);
      }
    }
  }

  private double clamp(double s) {
    return Math.min(Math.max(s, 0), side - 1);
  }

  /** The resampled interleaved image with {@code channels} channels, as a new array. */
  float[] image(float[] in, int channels) {
    if (x0 == null) {
      return mask(in, channels);
    }
    float[] out = new float[in.length];
    for (int i = 0; i < nearest.length; i++) {
      int r0 = y0[i] * side;
      int r1 = y1[i] * side;
      float fx = wx[i];
      float fy = wy[i];
      for (int ch = 0; ch < channels; ch++) {
        // Weights of exactly 0 or 1 leave the corner value unchanged.
        float top = (1 - fx) * in[(r0 + x0[i]) * channels + ch] + fx * in[(r0 + x1[i]) * channels + ch];
        float bottom = (1 - fx) * in[(r1 + x0[i]) * channels + ch] + fx * in[(r1 + x1[i]) * channels + ch];
        out[i * channels + ch] = (1 - fy) * top + fy * bottom;
      }
    }
    return out;
  }

  /** A one-channel map in the transformed frame taken back to the source frame (only a permutation can be). */
  float[] undo(float[] out) {
    checkState(x0 == null, "a zoom or shift has no exact inverse");
    float[] in = new float[out.length];
    for (int i = 0; i < nearest.length; i++) {
      in[nearest[i]] = out[i];
    }
    return in;
  }

  /** Nearest-neighbour resampling, as a new array: values are copied, so binary masks stay binary. */
  float[] mask(float[] in, int channels) {
    float[] out = new float[in.length];
    for (int i = 0; i < nearest.length; i++) {
      System.arraycopy(in, nearest[i] * channels, out, i * channels, channels);
    }
    return out;
  }
}
