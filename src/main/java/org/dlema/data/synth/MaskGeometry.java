package org.dlema.data.synth;

import java.awt.geom.Path2D;
import org.dlema.data.BinaryMask;

/** Geometry on binary masks that the annotator simulator is made of. */
public final class MaskGeometry {
  private static final float FAR = 1e12f;

  private MaskGeometry() {}

  /** Radius of the disc with the mask's area: the unit for annotator disagreement, so it scales with the lesion. */
  public static double equivalentRadius(BinaryMask mask) {
    return Math.sqrt(mask.foregroundCount() / Math.PI);
  }

  /** Centroid {x, y} of the foreground; the image centre for an empty mask. */
  public static double[] centroid(BinaryMask mask) {
    double sx = 0;
    double sy = 0;
    long n = 0;
    for (int y = 0; y < mask.height(); y++) {
      for (int x = 0; x < mask.width(); x++) {
        if (mask.get(x, y)) {
          sx += x;
          sy += y;
          n++;
        }
      }
    }
    return n == 0 ? new double[] {mask.width() / 2.0, mask.height() / 2.0} : new double[] {sx / n, sy / n};
  }

  /**
   * Signed Euclidean distance to the border, in pixels: negative inside, positive outside, with the border half a
   * pixel from either side, so that {@code signed < d} dilates by d and {@code signed < -d} erodes by d.
   */
  public static float[] signedDistance(BinaryMask mask) {
    float[] toForeground = squaredDistance(mask, true);
    float[] toBackground = squaredDistance(mask, false);
    float[] out = new float[mask.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = mask.get(i)
          ? -((float) Math.sqrt(toBackground[i]) - 0.5f)
          : (float) Math.sqrt(toForeground[i]) - 0.5f;
    }
    return out;
  }

  /**
   * Squared distance from each pixel to the nearest pixel whose value is {@code target} (Felzenszwalb-Huttenlocher).
   */
  static float[] squaredDistance(BinaryMask mask, boolean target) {
    int w = mask.width();
    int h = mask.height();
    float[] grid = new float[w * h];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = mask.get(i) == target ? 0f : FAR;
    }
    int n = Math.max(w, h);
    float[] f = new float[n];
    float[] d = new float[n];
    int[] v = new int[n];
    float[] z = new float[n + 1];
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < h; y++) {
        f[y] = grid[y * w + x];
      }
      transform1d(f, h, d, v, z);
      for (int y = 0; y < h; y++) {
        grid[y * w + x] = d[y];
      }
    }
    for (int y = 0; y < h; y++) {
      System.arraycopy(grid, y * w, f, 0, w);
      transform1d(f, w, d, v, z);
      System.arraycopy(d, 0, grid, y * w, w);
    }
    return grid;
  }

  private static void transform1d(float[] f, int n, float[] d, int[] v, float[] z) {
    int k = 0;
    v[0] = 0;
    z[0] = Float.NEGATIVE_INFINITY;
    z[1] = Float.POSITIVE_INFINITY;
    for (int q = 1; q < n; q++) {
      float s = intersection(f, q, v[k]);
      while (s <= z[k]) {
        k--;
        s = intersection(f, q, v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Float.POSITIVE_INFINITY;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
      while (z[k + 1] < q) {
        k++;
      }
      float dq = q - v[k];
      d[q] = dq * dq + f[v[k]];
    }
  }

  /** Where the parabolas rooted at q and p meet. */
  private static float intersection(float[] f, int q, int p) {
    return ((f[q] + (float) q * q) - (f[p] + (float) p * p)) / (2f * q - 2f * p);
  }

  /** Gaussian blur of the mask's indicator, thresholded at one half: rounds corners and removes specks. */
  public static BinaryMask smooth(BinaryMask mask, double sigma) {
    if (sigma < 0.3) {
      return mask.copy();
    }
    int w = mask.width();
    int h = mask.height();
    int radius = (int) Math.ceil(3 * sigma);
    float[] kernel = new float[2 * radius + 1];
    float sum = 0;
    for (int i = -radius; i <= radius; i++) {
      kernel[i + radius] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
      sum += kernel[i + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= sum;
    }
    float[] rows = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float acc = 0;
        for (int k = -radius; k <= radius; k++) {
          int xx = Math.max(0, Math.min(w - 1, x + k));
          acc += mask.get(xx, y) ? kernel[k + radius] : 0f;
        }
        rows[y * w + x] = acc;
      }
    }
    BinaryMask out = new BinaryMask(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float acc = 0;
        for (int k = -radius; k <= radius; k++) {
          int yy = Math.max(0, Math.min(h - 1, y + k));
          acc += kernel[k + radius] * rows[yy * w + x];
        }
        out.set(x, y, acc >= 0.5f);
      }
    }
    return out;
  }

  /** The pixels whose centres lie inside the polygon. */
  public static BinaryMask fillPolygon(int width, int height, double[] xs, double[] ys) {
    Path2D.Double path = new Path2D.Double();
    path.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      path.lineTo(xs[i], ys[i]);
    }
    path.closePath();
    BinaryMask out = new BinaryMask(width, height);
    var bounds = path.getBounds();
    int x0 = Math.max(0, bounds.x);
    int y0 = Math.max(0, bounds.y);
    int x1 = Math.min(width - 1, bounds.x + bounds.width);
    int y1 = Math.min(height - 1, bounds.y + bounds.height);
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        if (path.contains(x + 0.5, y + 0.5)) {
          out.set(x, y, true);
        }
      }
    }
    return out;
  }

  /** Sets (or clears) every pixel of an axis-aligned ellipse. */
  public static void paintEllipse(BinaryMask mask, double cx, double cy, double rx, double ry, boolean value) {
    int x0 = Math.max(0, (int) Math.floor(cx - rx));
    int x1 = Math.min(mask.width() - 1, (int) Math.ceil(cx + rx));
    int y0 = Math.max(0, (int) Math.floor(cy - ry));
    int y1 = Math.min(mask.height() - 1, (int) Math.ceil(cy + ry));
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        double dx = (x + 0.5 - cx) / rx;
        double dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) {
          mask.set(x, y, value);
        }
      }
    }
  }
}
