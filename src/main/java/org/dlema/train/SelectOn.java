package org.dlema.train;

import com.google.gson.annotations.SerializedName;

/**
 * What model selection scores a validation by (paper 3.1: validation Jaccard). Against every annotation an empty
 * prediction scores 1 on each empty annotation, which on data where many readers mark nothing (LIDC: 38 % of the
 * annotations) makes a network that predicts nothing hard to beat early; the reference masks, where the data keeps
 * them, do not reward it so.
 */
public enum SelectOn {
  /** The mean Jaccard against each of an image's annotations (the paper's). */
  @SerializedName("annotations") ANNOTATIONS,
  /** The Jaccard against each image's reference mask; the annotations where the validation images have none. */
  @SerializedName("reference") REFERENCE;

  /** The score of one validation under this rule. */
  double score(double annotations, double reference) {
    return this == REFERENCE && !Double.isNaN(reference) ? reference : annotations;
  }
}
