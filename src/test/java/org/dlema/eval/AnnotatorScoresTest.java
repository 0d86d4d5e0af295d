package org.dlema.eval;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every multi-annotator figure against a case worked out by hand (four-pixel images, four readers). */
class AnnotatorScoresTest {
  private static final float[] A1 = {1, 1, 0, 0};
  private static final float[] A2 = {1, 0, 0, 0};
  private static final float[] EMPTY = {0, 0, 0, 0};
  /** Pixels marked by at least two of A1, A2, EMPTY, EMPTY. */
  private static final float[] REFERENCE = {1, 0, 0, 0};
  private static final float[] PREDICTION = {0.9f, 0.6f, 0.2f, 0f};

  private static AnnotatorScores.Scored first() {
    return AnnotatorScores.score(PREDICTION, List.of(PREDICTION), List.of(A1, A2, EMPTY, EMPTY), REFERENCE);
  }

  @Test
  void oneImageAgainstFourReaders() {
    AnnotatorScores.Scored s = first();
    assertThat(s.readers()).isEqualTo(2);
    // Jaccard of {0,1} against {0,1}, {0}, {}, {}: 1, 1/2, 0, 0.
    assertThat(s.annotationJaccard()).isWithin(1e-12).of(0.375);
    assertThat(s.referenceJaccard()).isWithin(1e-12).of(0.5);
    assertThat(s.referenceDice()).isWithin(1e-12).of(2.0 / 3);
    assertThat(s.referenceEmpty()).isFalse();
    assertThat(s.predictedEmpty()).isFalse();
    // 2 * mean d(S, Y) = 2 * (0 + 0.5 + 1 + 1) / 4; d(S, S) = 0; the readers' 16 ordered pairs sum to 9.
    assertThat(s.ged()).isWithin(1e-12).of(1.25 - 0 - 9.0 / 16);
    double nll = (-(0.5 * Math.log(0.9) + 0.5 * Math.log(0.1)) - (0.25 * Math.log(0.6) + 0.75 * Math.log(0.4))
        - Math.log(0.8) - Math.log(1 - ImageScores.CLIP)) / 4;
    assertThat(s.softNll()).isWithin(1e-6).of(nll);
    assertThat(s.softBrier()).isWithin(1e-6).of((0.16 + 0.1225 + 0.04) / 4);
    // One pixel in each of four bins: |p - q| = 0.4, 0.35, 0.2, 0.
    assertThat(s.calibration().expectedCalibrationError()).isWithin(1e-6).of((0.4 + 0.35 + 0.2) / 4);
  }

  @Test
  void membersAsSamplesLowerTheDistanceByTheirOwnSpread() {
    float[] second = {0.7f, 0.1f, 0f, 0f};
    AnnotatorScores.Scored s = AnnotatorScores.score(PREDICTION, List.of(PREDICTION, second),
        List.of(A1, A2, EMPTY, EMPTY), REFERENCE);
    // d(S, Y) sums to 2.5 for each sample; the samples {0,1} and {0} are 1/2 apart in two of four pairs.
    assertThat(s.ged()).isWithin(1e-12).of(2 * 5.0 / 8 - 0.25 - 9.0 / 16);
  }

  @Test
  void summarySplitsEmptyReferencesAndGroupsByReaders() {
    AnnotatorScores scores = new AnnotatorScores();
    scores.add(first());
    // One reader marked pixel 3; the empty prediction matches the empty reference.
    float[] b1 = {0, 0, 0, 1};
    float[] flat = {0.1f, 0.1f, 0.1f, 0.1f};
    scores.add(AnnotatorScores.score(flat, List.of(flat), List.of(b1, EMPTY, EMPTY, EMPTY), EMPTY));
    AnnotatorScores.Summary s = scores.summary();
    assertThat(s.images()).isEqualTo(2);
    assertThat(s.referenceJaccard().n()).isEqualTo(1);
    assertThat(s.referenceJaccard().mean()).isWithin(1e-12).of(0.5);
    assertThat(s.emptyReferences()).isEqualTo(1);
    assertThat(s.emptyPredictedEmpty()).isWithin(1e-12).of(1.0);
    assertThat(s.jaccardByReaders().keySet()).containsExactly(1, 2).inOrder();
    assertThat(s.jaccardByReaders().get(1).mean()).isWithin(1e-12).of(0.75);
    assertThat(s.jaccardByReaders().get(2).mean()).isWithin(1e-12).of(0.375);
    // Second image: 2 * 1/4 - 0 - 6/16.
    assertThat(s.ged().mean()).isWithin(1e-12).of((0.6875 + 0.125) / 2);
    assertThat(s.softBrier()).isWithin(1e-6).of(((0.16 + 0.1225 + 0.04) / 4 + (3 * 0.01 + 0.0225) / 4) / 2);
  }

  @Test
  void softCalibrationOfHardLabelsIsTheUsualOne() {
    Calibration hard = new Calibration();
    Calibration soft = new Calibration();
    hard.add(PREDICTION, A1);
    soft.addSoft(PREDICTION, A1);
    assertThat(soft.expectedCalibrationError()).isEqualTo(hard.expectedCalibrationError());
  }
}
