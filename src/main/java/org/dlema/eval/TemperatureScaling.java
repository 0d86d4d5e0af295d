package org.dlema.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

/**
 * Temperature scaling (Guo et al. 2017) of a binary per-pixel classifier: the one temperature T > 0 for which the
 * probabilities sigmoid(z / T) have the smallest mean negative log-likelihood of the labels. T > 1 softens
 * over-confident logits, T < 1 sharpens under-confident ones; the decision at 0.5 does not change.
 *
 * <p>With {@code passes > 1} each pixel has several logits (MC-dropout passes) and its probability is the mean of
 * sigmoid(z_k / T) over them, the way such a network serves it.
 *
 * <p>T is searched over log T in [1/20, 20] by Brent's method (golden section with parabolic steps) on the NLL,
 * evaluated in double precision. For one pass the NLL is convex in 1/T, so it has one minimum and the search finds
 * it. Sums run over fixed chunks of pixels in parallel and are added in chunk order, so the result does not depend
 * on the number of threads.
 */
public final class TemperatureScaling {
  public static final double MIN_TEMPERATURE = 1.0 / 20;
  public static final double MAX_TEMPERATURE = 20;
  /** Pixels per parallel task: large enough to amortise the task, small enough to balance two or more cores. */
  private static final int CHUNK = 1 << 15;
  /** Search tolerance on log T: T is found to about one part in a million. */
  private static final double TOLERANCE = 1e-6;

  /**
   * A fitted temperature and the scores it changes.
   *
   * @param nllBefore mean NLL at T = 1 (the network as trained)
   * @param nllAfter mean NLL at {@code temperature}
   * @param eceBefore expected calibration error at T = 1 ({@link Calibration}'s 15 bins)
   * @param eceAfter expected calibration error at {@code temperature}
   * @param pixels labelled pixels the fit saw (a pixel scored against k annotations counts k times)
   */
  public record Fit(double temperature, double nllBefore, double nllAfter, double eceBefore, double eceAfter,
      long pixels) {}

  private final List<float[]> logits;
  private final List<float[]> labels;
  private final int passes;
  /** (block, first pixel, end pixel) of every chunk, in summation order. */
  private final int[][] chunks;
  private final long pixels;

  private TemperatureScaling(List<float[]> logits, List<float[]> labels, int passes) {
    if (passes < 1) {
      throw new IllegalArgumentException("passes must be at least 1, got " + passes);
    }
    if (logits.size() != labels.size()) {
      throw new IllegalArgumentException(logits.size() + " blocks of logits but " + labels.size() + " of labels");
    }
    this.logits = List.copyOf(logits);
    this.labels = List.copyOf(labels);
    this.passes = passes;
    List<int[]> list = new ArrayList<>();
    long total = 0;
    for (int b = 0; b < labels.size(); b++) {
      int n = labels.get(b).length;
      if ((long) n * passes != logits.get(b).length) {
        throw new IllegalArgumentException("block " + b + ": " + n + " labels need " + (long) n * passes
            + " logits (" + passes + " per pixel), got " + logits.get(b).length);
      }
      for (int start = 0; start < n; start += CHUNK) {
        list.add(new int[] {b, start, Math.min(n, start + CHUNK)});
      }
      total += n;
    }
    if (total == 0) {
      throw new IllegalArgumentException("no pixels to fit a temperature on");
    }
    this.chunks = list.toArray(int[][]::new);
    this.pixels = total;
  }

  /** Fits T to one pass of logits and their 0/1 (or fractional, in [0, 1]) labels. */
  public static Fit fit(float[] logits, float[] labels) {
    return fit(List.of(logits), List.of(labels), 1);
  }

  /**
   * Fits T to blocks of pixels (one block per image, say). Labels are targets in [0, 1]; one block of logits may be
   * listed several times with different labels, to score one image against each of its annotations without copies.
   *
   * @param logits per block, {@code passes} consecutive logits per pixel
   * @param labels per block, one target per pixel
   * @param passes logits per pixel whose probabilities are averaged (1 for a plain network)
   * @throws IllegalArgumentException when a logit or label is not finite, or a label lies outside [0, 1]
   */
  public static Fit fit(List<float[]> logits, List<float[]> labels, int passes) {
    return new TemperatureScaling(logits, labels, passes).fit();
  }

  private Fit fit() {
    double before = nll(1);
    if (!Double.isFinite(before)) {
      throw new IllegalArgumentException("logits and labels must be finite, with labels in [0, 1]");
    }
    double logT = brent(u -> nll(Math.exp(-u)), Math.log(MIN_TEMPERATURE), Math.log(MAX_TEMPERATURE));
    double temperature = Math.exp(logT);
    double after = nll(1 / temperature);
    // T = 1 is inside the search interval, so the fit can only improve on it; this guards against a multimodal
    // NLL (possible with several passes) leading the search astray.
    if (!(after <= before)) {
      temperature = 1;
      after = before;
    }
    return new Fit(temperature, before, after, ece(1), ece(1 / temperature), pixels);
  }

  /** Mean NLL of the labels under the probabilities at inverse temperature {@code beta} (NaN for invalid data). */
  private double nll(double beta) {
    double[] partial = new double[chunks.length];
    IntStream.range(0, chunks.length).parallel().forEach(c -> partial[c] = chunkNll(chunks[c], beta));
    double sum = 0;
    for (double value : partial) {
      sum += value;
    }
    return sum / pixels;
  }

  private double chunkNll(int[] chunk, double beta) {
    float[] z = logits.get(chunk[0]);
    float[] y = labels.get(chunk[0]);
    double sum = 0;
    for (int q = chunk[1]; q < chunk[2]; q++) {
      double label = y[q];
      if (!(label >= 0 && label <= 1)) {
        return Double.NaN;
      }
      if (passes == 1) {
        // -y log s(a) - (1 - y) log s(-a) = softplus(a) - y a
        double a = beta * z[q];
        sum += softplus(a) - label * a;
      } else {
        int first = q * passes;
        if (label > 0) {
          sum -= label * logMeanSigmoid(z, first, beta);
        }
        if (label < 1) {
          sum -= (1 - label) * logMeanSigmoid(z, first, -beta);
        }
      }
    }
    return sum;
  }

  /** log of the mean of sigmoid(beta z_k) over passes, without underflow: log-sum-exp of -softplus(-beta z_k). */
  private double logMeanSigmoid(float[] z, int first, double beta) {
    double top = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < passes; k++) {
      top = Math.max(top, -softplus(-beta * z[first + k]));
    }
    double sum = 0;
    for (int k = 0; k < passes; k++) {
      sum += Math.exp(-softplus(-beta * z[first + k]) - top);
    }
    return top + Math.log(sum / passes);
  }

  private static double softplus(double a) {
    return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
  }

  /** ECE of the probabilities at inverse temperature {@code beta}, chunk by chunk in order (bins are exact counts). */
  private double ece(double beta) {
    Calibration calibration = new Calibration();
    float[] p = new float[CHUNK];
    float[] y = new float[CHUNK];
    for (int[] chunk : chunks) {
      int n = chunk[2] - chunk[1];
      float[] z = logits.get(chunk[0]);
      for (int k = 0; k < n; k++) {
        int q = chunk[1] + k;
        double sum = 0;
        for (int pass = 0; pass < passes; pass++) {
          sum += 1 / (1 + Math.exp(-beta * z[q * passes + pass]));
        }
        p[k] = (float) (sum / passes);
      }
      System.arraycopy(labels.get(chunk[0]), chunk[1], y, 0, n);
      if (n == CHUNK) {
        calibration.add(p, y);
      } else {
        calibration.add(Arrays.copyOf(p, n), Arrays.copyOf(y, n));
      }
    }
    return calibration.expectedCalibrationError();
  }

  /**
   * Brent's minimisation of {@code f} over [a, b] (Forsythe, Malcolm and Moler's fmin): parabolic interpolation
   * where it behaves, golden section where it does not; about a dozen evaluations instead of golden section's 35.
   */
  static double brent(DoubleUnaryOperator f, double a, double b) {
    double golden = 0.5 * (3 - Math.sqrt(5));
    double x = a + golden * (b - a);
    double w = x;
    double v = x;
    double fx = f.applyAsDouble(x);
    double fw = fx;
    double fv = fx;
    double d = 0;
    double e = 0;
    for (int iteration = 0; iteration < 200; iteration++) {
      double middle = 0.5 * (a + b);
      double tol1 = 1.5e-8 * Math.abs(x) + TOLERANCE / 3;
      double tol2 = 2 * tol1;
      if (Math.abs(x - middle) <= tol2 - 0.5 * (b - a)) {
        break;
      }
      boolean parabolic = false;
      if (Math.abs(e) > tol1) {
        double r = (x - w) * (fx - fv);
        double q = (x - v) * (fx - fw);
        double p = (x - v) * q - (x - w) * r;
        q = 2 * (q - r);
        if (q > 0) {
          p = -p;
        } else {
          q = -q;
        }
        double previous = e;
        e = d;
        if (Math.abs(p) < Math.abs(0.5 * q * previous) && p > q * (a - x) && p < q * (b - x)) {
          d = p / q;
          double u = x + d;
          if (u - a < tol2 || b - u < tol2) {
            d = x < middle ? tol1 : -tol1;
          }
          parabolic = true;
        }
      }
      if (!parabolic) {
        e = (x < middle ? b : a) - x;
        d = golden * e;
      }
      double u = x + (Math.abs(d) >= tol1 ? d : (d > 0 ? tol1 : -tol1));
      double fu = f.applyAsDouble(u);
      if (fu <= fx) {
        if (u < x) {
          b = x;
        } else {
          a = x;
        }
        v = w;
        fv = fw;
        w = x;
        fw = fx;
        x = u;
        fx = fu;
      } else {
        if (u < x) {
          a = u;
        } else {
          b = u;
        }
        if (fu <= fw || w == x) {
          v = w;
          fv = fw;
          w = u;
          fw = fu;
        } else if (fu <= fv || v == x || v == w) {
          v = u;
          fv = fu;
        }
      }
    }
    return x;
  }
}
