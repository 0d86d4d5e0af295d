package org.dlema.data.preprocess;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.dlema.data.ImageFiles;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.RgbImage;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/**
 * Per-channel mean and standard deviation of the training images (paper 3.1: "normalized using the per-channel
 * mean and standard deviation"). Computed on training images only, stored with the run ({@code normalization.json})
 * and baked into exported graphs so that clients send raw pixels.
 */
public record Normalization(double[] mean, double[] std, long pixels) {
  /** Standard deviations below this are clamped so that a constant channel does not divide by zero. */
  public static final double MIN_STD = 1e-3;

  public Normalization {
    checkArgument(mean.length == 3 && std.length == 3, "three channels expected");
  }

  public void save(Path file) throws IOException {
    JsonFiles.write(file, this);
  }

  public static Normalization load(Path file) throws IOException {
    Normalization n = JsonFiles.read(file, Normalization.class);
    if (n.mean() == null || n.std() == null || n.mean().length != 3 || n.std().length != 3) {
      throw new IOException(file + ": needs three-channel 'mean' and 'std' arrays");
    }
    return n;
  }

  /**
   * Statistics of the images of {@code dataset} after resizing to the network size: what the network will see.
   * Images are decoded in parallel; the result does not depend on the order.
   */
  public static Normalization of(MultiAnnotatedDataset dataset, int width, int height, Progress progress) {
    Accumulator accumulator = new Accumulator();
    dataset.images().parallelStream().forEach(entry -> {
      RgbImage image = ImageFiles.readRgb(entry.image()).image();
      accumulator.add(entry.id(), Resize.image(image, width, height));
      progress.step();
    });
    progress.done();
    return accumulator.result();
  }

  /** Normalises interleaved RGB floats in place. */
  public void apply(float[] hwc) {
    for (int i = 0; i < hwc.length; i++) {
      int c = i % 3;
      hwc[i] = (float) ((hwc[i] - mean[c]) / std[c]);
    }
  }

  /**
   * Accumulates statistics from images added in any order, from any thread; the result is summed in key order so
   * that it does not depend on scheduling.
   */
  public static final class Accumulator {
    private final Map<String, double[]> sums = new TreeMap<>();

    public void add(String key, float[] hwc) {
      double[] s = new double[7];
      for (int i = 0; i < hwc.length; i++) {
        int c = i % 3;
        s[c] += hwc[i];
        s[3 + c] += (double) hwc[i] * hwc[i];
      }
      s[6] = hwc.length / 3;
      synchronized (sums) {
        sums.put(key, s);
      }
    }

    public Normalization result() {
      double[] total = new double[7];
      synchronized (sums) {
        checkArgument(!sums.isEmpty(), "no image to compute normalisation statistics from");
        for (double[] s : sums.values()) {
          for (int i = 0; i < 7; i++) {
            total[i] += s[i];
          }
        }
      }
      double n = total[6];
      double[] mean = new double[3];
      double[] std = new double[3];
      for (int c = 0; c < 3; c++) {
        mean[c] = total[c] / n;
        double variance = Math.max(0, total[3 + c] / n - mean[c] * mean[c]);
        std[c] = Math.max(MIN_STD, Math.sqrt(variance));
      }
      return new Normalization(mean, std, (long) n);
    }
  }
}
