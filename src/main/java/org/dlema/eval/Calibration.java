package org.dlema.eval;

/**
 * Pixel-level calibration of predicted lesion probabilities, accumulated over any number of images: equal-width
 * bins of the predicted probability p (15 by default, as torchmetrics' binary calibration error), and in each the
 * mean p against the observed lesion frequency. The expected calibration error is
 * ECE = sum_b (n_b / N) |mean p_b - frequency_b|. Counts and sums are doubles and longs: an ISIC test set has tens of
 * millions of pixels.
 */
public final class Calibration {
  public static final int DEFAULT_BINS = 15;

  private final long[] count;
  private final double[] probabilitySum;
  /** The sum of the targets in each bin: a count of lesion pixels for 0/1 targets, soft labels summed otherwise. */
  private final double[] targetSum;

  public Calibration(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1, got " + bins);
    }
    count = new long[bins];
    probabilitySum = new double[bins];
    targetSum = new double[bins];
  }

  public Calibration() {
    this(DEFAULT_BINS);
  }

  public int bins() {
    return count.length;
  }

  /** Adds one image's pixels (target values at least 0.5 are lesion). */
  public void add(float[] probability, float[] target) {
    add(probability, target, false);
  }

  /**
   * Adds one image's pixels against soft labels in [0, 1] (e.g. the share of annotators who marked each pixel): a
   * bin's frequency is then the mean soft label of its pixels.
   */
  public void addSoft(float[] probability, float[] softLabel) {
    add(probability, softLabel, true);
  }

  private void add(float[] probability, float[] target, boolean soft) {
    if (probability.length != target.length) {
      throw new IllegalArgumentException("prediction has " + probability.length + " pixels, target "
          + target.length);
    }
    int bins = count.length;
    for (int q = 0; q < probability.length; q++) {
      double p = Math.min(Math.max(probability[q], 0), 1);
      // The last bin is closed: p = 1 belongs to it.
      int bin = Math.min((int) (p * bins), bins - 1);
      count[bin]++;
      probabilitySum[bin] += p;
      if (soft) {
        targetSum[bin] += target[q];
      } else if (target[q] >= ImageScores.THRESHOLD) {
        targetSum[bin]++;
      }
    }
  }

  /**
   * Adds another accumulation's pixels (the same bins): the sums of both, as if its images were added here up to the
   * order of the floating-point sums.
   */
  public void add(Calibration other) {
    if (other.count.length != count.length) {
      throw new IllegalArgumentException("calibration with " + other.count.length + " bins added to one with "
          + count.length);
    }
    for (int b = 0; b < count.length; b++) {
      count[b] += other.count[b];
      probabilitySum[b] += other.probabilitySum[b];
      targetSum[b] += other.targetSum[b];
    }
  }

  /** The pixels in a bin. */
  public long count(int bin) {
    return count[bin];
  }

  /** Mean predicted probability in a bin (NaN when empty). */
  public double meanProbability(int bin) {
    return count[bin] == 0 ? Double.NaN : probabilitySum[bin] / count[bin];
  }

  /** Observed lesion frequency in a bin, or its mean soft label (NaN when empty). */
  public double frequency(int bin) {
    return count[bin] == 0 ? Double.NaN : targetSum[bin] / count[bin];
  }

  public double expectedCalibrationError() {
    long total = 0;
    for (long c : count) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    double ece = 0;
    for (int b = 0; b < count.length; b++) {
      if (count[b] > 0) {
        ece += (double) count[b] / total * Math.abs(meanProbability(b) - frequency(b));
      }
    }
    return ece;
  }
}
