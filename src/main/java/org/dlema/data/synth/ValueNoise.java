package org.dlema.data.synth;

import java.util.SplittableRandom;

/** Smooth random fields: a coarse random grid, interpolated (and, for fractal noise, summed over octaves). */
final class ValueNoise {
  private ValueNoise() {}

  /**
   * Fractal value noise over a size x size image, row-major, roughly in [-1, 1].
   *
   * @param cells grid cells across the image at the coarsest octave; each further octave doubles it
   */
  static float[] fractal(SplittableRandom rng, int size, int cells, int octaves) {
    float[] out = new float[size * size];
    double amplitude = 1;
    double total = 0;
    for (int o = 0; o < octaves; o++) {
      float[] octave = field(rng, size, size, (double) size / (cells << o));
      for (int i = 0; i < out.length; i++) {
        out[i] += (float) amplitude * octave[i];
      }
      total += amplitude;
      amplitude *= 0.5;
    }
    float norm = (float) (1 / total);
    for (int i = 0; i < out.length; i++) {
      out[i] *= norm;
    }
    return out;
  }

  /**
   * One octave of value noise in [-1, 1], row-major.
   *
   * @param spacing grid spacing in pixels: the distance over which the field varies (its correlation length)
   */
  static float[] field(SplittableRandom rng, int width, int height, double spacing) {
    double step = 1.0 / Math.max(1.0, spacing);
    int cellsX = Math.max(1, (int) Math.ceil(width * step));
    int cellsY = Math.max(1, (int) Math.ceil(height * step));
    int stride = cellsX + 1;
    float[] grid = new float[stride * (cellsY + 1)];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = (float) rng.nextDouble(-1, 1);
    }
    // Cell index and eased weight depend on one coordinate only, so compute them once per row/column.
    int[] cellX = new int[width];
    float[] weightX = new float[width];
    ease(width, step, cellsX, cellX, weightX);
    int[] cellY = new int[height];
    float[] weightY = new float[height];
    ease(height, step, cellsY, cellY, weightY);
    float[] out = new float[width * height];
    for (int y = 0; y < height; y++) {
      int row = cellY[y] * stride;
      float wy = weightY[y];
      for (int x = 0; x < width; x++) {
        int i = row + cellX[x];
        float wx = weightX[x];
        float top = grid[i] + (grid[i + 1] - grid[i]) * wx;
        float bottom = grid[i + stride] + (grid[i + stride + 1] - grid[i + stride]) * wx;
        out[y * width + x] = top + (bottom - top) * wy;
      }
    }
    return out;
  }

  private static void ease(int n, double step, int cells, int[] cell, float[] weight) {
    for (int p = 0; p < n; p++) {
      double g = (p + 0.5) * step;
      int c = Math.min((int) g, cells - 1);
      double t = Math.min(1.0, g - c);
      cell[p] = c;
      // Smoothstep easing hides the grid's bilinear creases.
      weight[p] = (float) (t * t * (3 - 2 * t));
    }
  }
}
