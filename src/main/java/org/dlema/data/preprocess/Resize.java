package org.dlema.data.preprocess;

import org.dlema.data.BinaryMask;
import org.dlema.data.RgbImage;

/** Resizing to the network's input size: images to floats 0..255, masks by area fraction then {@code >= 0.5}. */
public final class Resize {
  private Resize() {}

  /** The image at {@code width x height} as interleaved floats (height, width, 3), values 0..255. */
  public static float[] image(RgbImage image, int width, int height) {
    byte[] src = image.data();
    float[] in = new float[src.length];
    for (int i = 0; i < src.length; i++) {
      in[i] = Byte.toUnsignedInt(src[i]);
    }
    return resample(in, image.width(), image.height(), 3, width, height);
  }

  /** The foreground fraction of each output pixel. */
  public static float[] maskFraction(BinaryMask mask, int width, int height) {
    return resample(mask.toFloats(), mask.width(), mask.height(), 1, width, height);
  }

  /** A pixel is foreground when at least half of the area it covers was foreground. */
  public static BinaryMask mask(BinaryMask mask, int width, int height) {
    float[] fraction = maskFraction(mask, width, height);
    boolean[] bits = new boolean[fraction.length];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = fraction[i] >= 0.5f;
    }
    return new BinaryMask(width, height, bits);
  }

  /** Resamples rows then columns of an interleaved (h, w, c) array. */
  static float[] resample(float[] in, int w, int h, int c, int outW, int outH) {
    Resampler horizontal = new Resampler(w, outW);
    Resampler vertical = new Resampler(h, outH);
    float[] rows = new float[h * outW * c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < outW; x++) {
        int[] src = horizontal.sources[x];
        float[] wt = horizontal.weights[x];
        for (int ch = 0; ch < c; ch++) {
          float sum = 0;
          for (int k = 0; k < src.length; k++) {
            sum += wt[k] * in[(y * w + src[k]) * c + ch];
          }
          rows[(y * outW + x) * c + ch] = sum;
        }
      }
    }
    float[] out = new float[outH * outW * c];
    for (int y = 0; y < outH; y++) {
      int[] src = vertical.sources[y];
      float[] wt = vertical.weights[y];
      for (int x = 0; x < outW; x++) {
        for (int ch = 0; ch < c; ch++) {
          float sum = 0;
          for (int k = 0; k < src.length; k++) {
            sum += wt[k] * rows[(src[k] * outW + x) * c + ch];
          }
          out[(y * outW + x) * c + ch] = sum;
        }
      }
    }
    return out;
  }
}
