package org.dlema.data.preprocess;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Separable 1-D resampling weights: area averaging when shrinking (every source pixel contributes its overlap, so
 * thin structures are not skipped), bilinear with half-pixel centres when enlarging.
 */
final class Resampler {
  /** For each output index, the source indices and weights that make it (weights sum to one). */
  final int[][] sources;
  final float[][] weights;

  Resampler(int from, int to) {
    checkArgument(from > 0 && to > 0, "sizes must be positive: %s -> %s", from, to);
    sources = new int[to][];
    weights = new float[to][];
    double scale = (double) from / to;
    for (int i = 0; i < to; i++) {
      if (scale >= 1.0) {
        area(i, scale, from);
      } else {
        bilinear(i, scale, from);
      }
    }
  }

  private void area(int i, double scale, int from) {
    double start = i * scale;
    double end = Math.min(from, (i + 1) * scale);
    int first = (int) Math.floor(start);
    int last = Math.min(from - 1, (int) Math.ceil(end) - 1);
    int n = last - first + 1;
    sources[i] = new int[n];
    weights[i] = new float[n];
    for (int k = 0; k < n; k++) {
      int s = first + k;
      double overlap = Math.min(end, s + 1) - Math.max(start, s);
      sources[i][k] = s;
      weights[i][k] = (float) (overlap / (end - start));
    }
  }

  private void bilinear(int i, double scale, int from) {
    double centre = Math.max(0, Math.min(from - 1, (i + 0.5) * scale - 0.5));
    int left = (int) Math.floor(centre);
    int right = Math.min(from - 1, left + 1);
    float t = (float) (centre - left);
    sources[i] = new int[] {left, right};
    weights[i] = new float[] {1 - t, t};
  }
}
