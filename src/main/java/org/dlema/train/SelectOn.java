package org.dlema.train;

import com.google.gson.annotations.SerializedName;

/**
 * What model selection scores a validation by (paper 3.1: validation Jaccard). Against every annotation an empty
 * prediction scores 1 on each empty annotation, which on data where many readers mark nothing (LIDC: 38 % of the
 * annotations) makes a network that predicts nothing hard to beat early; the reference masks, where the data keeps
 * them, do not reward it so as much. Against a reference that is itself often empty (LIDC: a third of the images) the
 * per-image mean still gives an empty prediction that third, and selection kept networks that predict nothing; the
 * pooled Jaccard gives them 0.
 */
public enum SelectOn {
  /** The mean Jaccard against each of an image's annotations (the paper's). */
  @SerializedName("annotations") ANNOTATIONS,
  /** The Jaccard against each image's reference mask; the annotations where the validation images have none. */
  @SerializedName("reference") REFERENCE,
  /**
   * The Jaccard of all validation pixels pooled against the reference masks; the annotations where the validation
   * images have none.
   */
  @SerializedName("pooled-reference") POOLED_REFERENCE;

  /** The score of one validation under this rule. */
  double score(Validation.Score score) {
    double reference = switch (this) {
      case ANNOTATIONS -> Double.NaN;
      case REFERENCE -> score.referenceJaccard();
      case POOLED_REFERENCE -> score.pooledReferenceJaccard();
    };
    return Double.isNaN(reference) ? score.jaccard() : reference;
  }

  /** Whether this rule scores against the reference masks when the validation images have them. */
  public boolean onReference() {
    return this != ANNOTATIONS;
  }

  /** How a result line names the score, after "validation Jaccard", when the rule used the reference masks. */
  public String against() {
    return this == POOLED_REFERENCE ? " pooled against the reference masks" : " against the reference masks";
  }
}
