package org.dlema.eval;

/**
 * The per-image scores of one predicted probability map against one binary target, all pixels weighing the same:
 * Jaccard and Dice of the mask thresholded at 0.5, NLL (paper eq. 6) and Brier score (paper eq. 7).
 *
 * @param jaccard |P and T| / |P or T|; 1 when both are empty
 * @param dice 2 |P and T| / (|P| + |T|); 1 when both are empty
 * @param nll mean over pixels of -(y log p + (1 - y) log(1 - p)), p clipped to [{@link #CLIP}, 1 - {@link #CLIP}]
 * @param brier mean over pixels of (y - p)^2
 */
public record ImageScores(double jaccard, double dice, double nll, double brier) {
  /**
   * How far probabilities are kept from 0 and 1 in the NLL: a float32 sigmoid rounds to exactly 0 or 1 beyond
   * |logit| of about 17, which would make one confident wrong pixel infinite.
   */
  public static final double CLIP = 1e-7;

  /** The mask threshold: a pixel is lesion when its probability is at least this. */
  public static final float THRESHOLD = 0.5f;

  /** @param target 0/1 values (at least 0.5 counts as lesion), as many as {@code probability} */
  public static ImageScores of(float[] probability, float[] target) {
    if (probability.length != target.length || probability.length == 0) {
      throw new IllegalArgumentException("prediction has " + probability.length + " pixels, target "
          + target.length);
    }
    Overlap overlap = Overlap.of(probability, 0, target);
    double nll = 0;
    double brier = 0;
    for (int q = 0; q < probability.length; q++) {
      boolean y = target[q] >= THRESHOLD;
      double clipped = Math.min(Math.max(probability[q], CLIP), 1 - CLIP);
      nll -= y ? Math.log(clipped) : Math.log(1 - clipped);
      double residual = (y ? 1 : 0) - (double) probability[q];
      brier += residual * residual;
    }
    return new ImageScores(overlap.jaccard(), overlap.dice(), nll / probability.length,
        brier / probability.length);
  }

  /**
   * The Jaccard index alone, of the {@code target.length} probabilities starting at {@code offset} (one image of a
   * batch laid out flat), as validation scores it.
   */
  public static double jaccard(float[] probability, int offset, float[] target) {
    return Overlap.of(probability, offset, target).jaccard();
  }

  /**
   * Pixel counts of the thresholded prediction and the target, of the {@code target.length} probabilities starting
   * at {@code offset}.
   */
  public record Overlap(long both, long predicted, long actual) {
    public static Overlap of(float[] probability, int offset, float[] target) {
      long both = 0;
      long predicted = 0;
      long actual = 0;
      for (int q = 0; q < target.length; q++) {
        boolean p = probability[offset + q] >= THRESHOLD;
        boolean y = target[q] >= THRESHOLD;
        predicted += p ? 1 : 0;
        actual += y ? 1 : 0;
        both += p && y ? 1 : 0;
      }
      return new Overlap(both, predicted, actual);
    }

    /** No pixel of either: the start of a sum over images. */
    public static final Overlap NONE = new Overlap(0, 0, 0);

    /** The counts of this and {@code other} together, as if both images were one (a pooled Jaccard). */
    public Overlap plus(Overlap other) {
      return new Overlap(both + other.both, predicted + other.predicted, actual + other.actual);
    }

    /** Pixels in the prediction or the target. */
    long union() {
      return predicted + actual - both;
    }

    /** |P and T| / |P or T|; 1 when both are empty. */
    public double jaccard() {
      return union() == 0 ? 1 : (double) both / union();
    }

    double dice() {
      return predicted + actual == 0 ? 1 : 2.0 * both / (predicted + actual);
    }
  }
}
