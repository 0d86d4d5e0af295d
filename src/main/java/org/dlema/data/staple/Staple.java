package org.dlema.data.staple;

import java.util.Arrays;
import java.util.List;

/**
 * Binary STAPLE for one image. The hidden truth T of each pixel has a fixed prior f = P(T = 1) (the mean foreground
 * fraction over the annotations); annotator j reports 1 with probability p_j (sensitivity) where T = 1 and 0 with
 * probability q_j (specificity) where T = 0. EM alternates:
 * <pre>
 * E: W_i = f a_i / (f a_i + (1 - f) b_i),  a_i = prod_j p_j^D_ij (1 - p_j)^(1 - D_ij),
 *                                          b_i = prod_j q_j^(1 - D_ij) (1 - q_j)^D_ij
 * M: p_j = sum_i W_i D_ij / sum_i W_i,     q_j = sum_i (1 - W_i)(1 - D_ij) / sum_i (1 - W_i)
 * </pre>
 * until no p_j or q_j moves by more than the tolerance. Everything is double precision (float sums saturate on large
 * images, a known pitfall of ITK's filter), and a_i, b_i are formed in log space.
 */
public final class Staple {
  public static final double INITIAL = 0.9;
  public static final int MAX_ITERATIONS = 200;
  public static final double TOLERANCE = 1e-7;

  /**
   * The estimate.
   *
   * @param probability P(T = 1 | annotations) per pixel (W)
   * @param sensitivity p_j per annotator, in input order
   * @param specificity q_j per annotator
   */
  public record Result(double[] probability, double[] sensitivity, double[] specificity, double prior,
      int iterations, boolean converged) {
    /** The consensus mask: W >= 0.5. */
    public boolean[] mask() {
      boolean[] mask = new boolean[probability.length];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = probability[i] >= 0.5;
      }
      return mask;
    }
  }

  private Staple() {}

  /** @param annotations one boolean per pixel each, all of the same length (at least one annotation) */
  public static Result estimate(List<boolean[]> annotations) {
    return estimate(annotations, INITIAL, MAX_ITERATIONS, TOLERANCE);
  }

  public static Result estimate(List<boolean[]> annotations, double initial, int maxIterations, double tolerance) {
    int raters = annotations.size();
    if (raters == 0) {
      throw new IllegalArgumentException("STAPLE needs at least one annotation");
    }
    int n = annotations.get(0).length;
    for (boolean[] a : annotations) {
      if (a.length != n) {
        throw new IllegalArgumentException("annotations differ in size: " + a.length + " vs " + n + " pixels");
      }
    }
    long foreground = 0;
    for (boolean[] a : annotations) {
      for (boolean v : a) {
        if (v) {
          foreground++;
        }
      }
    }
    double prior = (double) foreground / ((double) n * raters);
    double[] p = new double[raters];
    double[] q = new double[raters];
    Arrays.fill(p, initial);
    Arrays.fill(q, initial);
    double[] w = new double[n];
    if (prior == 0 || prior == 1) {
      // Every annotation empty (or full): the truth is certain and the rates are undefined; report them as 1.
      Arrays.fill(w, prior);
      Arrays.fill(p, 1);
      Arrays.fill(q, 1);
      return new Result(w, p, q, prior, 0, true);
    }
    double logPrior = Math.log(prior);
    double logNot = Math.log(1 - prior);
    int iteration = 0;
    boolean converged = false;
    while (iteration < maxIterations && !converged) {
      iteration++;
      double[] logP = new double[raters];
      double[] log1mP = new double[raters];
      double[] logQ = new double[raters];
      double[] log1mQ = new double[raters];
      for (int j = 0; j < raters; j++) {
        logP[j] = safeLog(p[j]);
        log1mP[j] = safeLog(1 - p[j]);
        logQ[j] = safeLog(q[j]);
        log1mQ[j] = safeLog(1 - q[j]);
      }
      for (int i = 0; i < n; i++) {
        double a = logPrior;
        double b = logNot;
        for (int j = 0; j < raters; j++) {
          if (annotations.get(j)[i]) {
            a += logP[j];
            b += log1mQ[j];
          } else {
            a += log1mP[j];
            b += logQ[j];
          }
        }
        // W = 1 / (1 + exp(b - a)), stable for any gap.
        w[i] = 1 / (1 + Math.exp(b - a));
      }
      double sumW = 0;
      for (double v : w) {
        sumW += v;
      }
      double sumNot = n - sumW;
      double change = 0;
      for (int j = 0; j < raters; j++) {
        boolean[] d = annotations.get(j);
        double hit = 0;
        double rejection = 0;
        for (int i = 0; i < n; i++) {
          if (d[i]) {
            hit += w[i];
          } else {
            rejection += 1 - w[i];
          }
        }
        double newP = sumW > 0 ? hit / sumW : p[j];
        double newQ = sumNot > 0 ? rejection / sumNot : q[j];
        change = Math.max(change, Math.max(Math.abs(newP - p[j]), Math.abs(newQ - q[j])));
        p[j] = newP;
        q[j] = newQ;
      }
      converged = change <= tolerance;
    }
    return new Result(w, p, q, prior, iteration, converged);
  }

  /** log of a rate, kept finite when a rate reaches exactly 0 or 1. */
  private static double safeLog(double value) {
    return Math.log(Math.min(Math.max(value, 1e-12), 1));
  }
}
