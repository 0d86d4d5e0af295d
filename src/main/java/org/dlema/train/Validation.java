package org.dlema.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dlema.eval.ImageScores;

/**
 * Validation as in the paper (3.1): for each validation image one annotation, drawn at random once per run, is the
 * target; the score is the mean per-image Jaccard index of the thresholded prediction. When the dataset keeps
 * reference masks the same prediction is also scored against them, per image and pooled: the pooled Jaccard counts
 * every validation pixel in one intersection and one union, so an empty prediction scores 0 and a false positive on
 * an image with an empty reference costs as much as anywhere else.
 */
final class Validation {
  private static final int CHUNK = 16;

  /**
   * @param jaccard mean per-image Jaccard against the drawn annotations
   * @param referenceJaccard mean per-image Jaccard against the reference masks (NaN without them)
   * @param pooledReferenceJaccard the pooled Jaccard against the reference masks (NaN without them)
   * @param firstProbability the first image's probabilities, for a picture
   */
  record Score(double jaccard, double referenceJaccard, double pooledReferenceJaccard, float[] firstProbability) {}

  private final PreparedSet set;
  private final int[] chosen;

  Validation(PreparedSet set, long seed) {
    this.set = set;
    chosen = new int[set.count()];
    for (int i = 0; i < chosen.length; i++) {
      chosen[i] = new SplittableRandom(EpochSampler.mix(seed ^ 0x76616cL, i)).nextInt(set.masks()[i].length);
    }
  }

  int chosenAnnotation(int image) {
    return chosen[image];
  }

  /** Inference-mode probabilities of n normalised images. */
  interface Predictor {
    float[] predict(float[] images, int n);
  }

  /** Several predictions of the same images at once (e.g. one per fusion rule), each laid out as a Predictor's. */
  interface MultiPredictor {
    float[][] predict(float[] images, int n);
  }

  Score score(Predictor graph) {
    return score(1, (images, n) -> new float[][] {graph.predict(images, n)})[0];
  }

  /** Scores {@code heads} predictions of every image, batching the images once for all of them. */
  Score[] score(int heads, MultiPredictor graph) {
    int side = set.side();
    int pixels = side * side;
    double[] sum = new double[heads];
    double[] referenceSum = new double[heads];
    ImageScores.Overlap[] pooled = new ImageScores.Overlap[heads];
    Arrays.fill(pooled, ImageScores.Overlap.NONE);
    float[][] first = new float[heads][];
    for (int start = 0; start < set.count(); start += CHUNK) {
      int n = Math.min(CHUNK, set.count() - start);
      float[] batch = new float[n * pixels * 3];
      for (int k = 0; k < n; k++) {
        System.arraycopy(set.images()[start + k], 0, batch, k * pixels * 3, pixels * 3);
      }
      float[][] probabilities = graph.predict(batch, n);
      for (int h = 0; h < heads; h++) {
        for (int k = 0; k < n; k++) {
          int image = start + k;
          sum[h] += ImageScores.jaccard(probabilities[h], k * pixels, set.masks()[image][chosen[image]]);
          if (set.hasReferences()) {
            ImageScores.Overlap overlap = ImageScores.Overlap.of(probabilities[h], k * pixels,
                set.references()[image]);
            referenceSum[h] += overlap.jaccard();
            pooled[h] = pooled[h].plus(overlap);
          }
        }
        if (first[h] == null) {
          first[h] = Arrays.copyOf(probabilities[h], pixels);
        }
      }
    }
    Score[] scores = new Score[heads];
    for (int h = 0; h < heads; h++) {
      scores[h] = new Score(sum[h] / set.count(),
          set.hasReferences() ? referenceSum[h] / set.count() : Double.NaN,
          set.hasReferences() ? pooled[h].jaccard() : Double.NaN, first[h]);
    }
    return scores;
  }
}
