package org.dlema.eval;

import java.util.Locale;

/**
 * A mean over images with its standard error, sd / sqrt(n) with the sample standard deviation (n - 1): the
 * "% +- standard error" of the paper's Table 1.
 */
public record MeanAndError(double mean, double standardError, int n) {
  public static MeanAndError of(double[] values) {
    int n = values.length;
    if (n == 0) {
      return new MeanAndError(Double.NaN, Double.NaN, 0);
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    if (n == 1) {
      return new MeanAndError(mean, Double.NaN, 1);
    }
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return new MeanAndError(mean, Math.sqrt(squares / (n - 1)) / Math.sqrt(n), n);
  }

  /** As the paper prints a Jaccard index: percent with two decimals, e.g. {@code 72.11 ± 0.51}. */
  public String percent() {
    return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * standardError);
  }
}
