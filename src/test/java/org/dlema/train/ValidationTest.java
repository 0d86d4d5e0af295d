package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationTest {
  private static final int SIDE = 2;

  /** Two 2x2 images, one annotation each equal to the reference; the predictor returns fixed probabilities. */
  private static Validation.Score score(float[] reference0, float[] reference1, float[] prediction) {
    PreparedSet set = new PreparedSet(List.of("a", "b"), new float[2][SIDE * SIDE * 3],
        new float[][][] {{reference0}, {reference1}}, new float[][] {reference0, reference1}, SIDE);
    return new Validation(set, 3).score((images, n) -> prediction.clone());
  }

  @Test
  void emptyPredictionScoresTheEmptyReferencesPerImageButZeroPooled() {
    float[] lesion = {1, 1, 0, 0};
    float[] empty = {0, 0, 0, 0};
    Validation.Score score = score(lesion, empty, new float[8]);
    // Per image: 0 on the lesion, 1 on the empty reference.
    assertThat(score.referenceJaccard()).isEqualTo(0.5);
    assertThat(score.jaccard()).isEqualTo(0.5);
    // Pooled: no pixel in common out of the lesion's 2.
    assertThat(score.pooledReferenceJaccard()).isEqualTo(0.0);
    assertThat(SelectOn.REFERENCE.score(score)).isEqualTo(0.5);
    assertThat(SelectOn.POOLED_REFERENCE.score(score)).isEqualTo(0.0);
  }

  @Test
  void pooledJaccardCountsFalsePositivesOnEmptyReferences() {
    float[] lesion = {1, 1, 0, 0};
    float[] empty = {0, 0, 0, 0};
    // Image a: predicted {0, 2}: intersection 1, union 3. Image b: predicted {3}: intersection 0, union 1.
    float[] prediction = {0.9f, 0.2f, 0.7f, 0.1f, 0.0f, 0.4f, 0.3f, 0.5f};
    Validation.Score score = score(lesion, empty, prediction);
    assertThat(score.referenceJaccard()).isWithin(1e-12).of((1.0 / 3 + 0) / 2);
    assertThat(score.pooledReferenceJaccard()).isWithin(1e-12).of(1.0 / 4);
    assertThat(SelectOn.ANNOTATIONS.score(score)).isEqualTo(score.jaccard());
  }

  @Test
  void withoutReferencesEveryRuleFallsBackToTheAnnotations() {
    float[] lesion = {1, 1, 0, 0};
    PreparedSet set = new PreparedSet(List.of("a"), new float[1][SIDE * SIDE * 3], new float[][][] {{lesion}},
        null, SIDE);
    Validation.Score score = new Validation(set, 3).score((images, n) -> new float[] {1, 0, 0, 0});
    assertThat(score.pooledReferenceJaccard()).isNaN();
    assertThat(SelectOn.POOLED_REFERENCE.score(score)).isEqualTo(0.5);
    assertThat(SelectOn.REFERENCE.score(score)).isEqualTo(0.5);
  }
}
