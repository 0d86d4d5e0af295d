package org.dlema.data.synth;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Settings of the annotator simulator.
 *
 * @param annotators size of the annotator pool (at least the largest annotation count)
 * @param disagreement scales every displacement of every annotator; the default is tuned so that the mean pairwise
 *     Cohen's kappa on ISIC 2018 lesions is the 0.67 the paper cites
 * @param grossErrorProbability chance that one annotation misses a lobe or spills far into the skin
 * @param biasedAnnotator when not 0, the first annotator is systematically biased: every border it draws is moved
 *     by this fraction of the lesion's equivalent radius (positive = outwards), on top of its usual habits
 */
public record SimulatorSettings(int annotators, double disagreement, double grossErrorProbability,
    AnnotationCounts counts, long seed, double biasedAnnotator) {
  public static final int DEFAULT_ANNOTATORS = 6;
  public static final double DEFAULT_DISAGREEMENT = 1.0;
  public static final double DEFAULT_GROSS_ERROR_PROBABILITY = 0.05;

  public SimulatorSettings {
    checkArgument(annotators >= counts.max(), "the pool of %s annotators cannot give %s distinct annotations",
        annotators, counts.max());
    checkArgument(disagreement >= 0, "disagreement must be >= 0, got %s", disagreement);
    checkArgument(grossErrorProbability >= 0 && grossErrorProbability <= 1,
        "gross error probability must be in [0, 1], got %s", grossErrorProbability);
    checkArgument(biasedAnnotator > -1 && biasedAnnotator <= 2,
        "the biased annotator's shift must be in (-1, 2] lesion radii, got %s", biasedAnnotator);
  }

  /** Settings without a systematically biased annotator. */
  public SimulatorSettings(int annotators, double disagreement, double grossErrorProbability,
      AnnotationCounts counts, long seed) {
    this(annotators, disagreement, grossErrorProbability, counts, seed, 0);
  }

  public static SimulatorSettings defaults(long seed) {
    return new SimulatorSettings(DEFAULT_ANNOTATORS, DEFAULT_DISAGREEMENT, DEFAULT_GROSS_ERROR_PROBABILITY,
        AnnotationCounts.ISIC, seed);
  }
}
