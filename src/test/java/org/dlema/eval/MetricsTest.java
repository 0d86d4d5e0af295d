package org.dlema.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The metrics against values worked out by hand. */
class MetricsTest {
  @Test
  void imageScoresOfASmallExample() {
    // Predicted mask 1 0 1 0 against target 1 0 0 1: one pixel in both, three in either.
    ImageScores s = ImageScores.of(new float[] {0.9f, 0.2f, 0.6f, 0.4f}, new float[] {1, 0, 0, 1});
    assertThat(s.jaccard()).isWithin(1e-12).of(1.0 / 3);
    assertThat(s.dice()).isWithin(1e-12).of(0.5);
    // -(ln 0.9 + ln 0.8 + ln 0.4 + ln 0.4) / 4
    assertThat(s.nll()).isWithin(1e-6).of((0.1053605 + 0.2231436 + 0.9162907 + 0.9162907) / 4);
    // (0.1^2 + 0.2^2 + 0.6^2 + 0.6^2) / 4
    assertThat(s.brier()).isWithin(1e-6).of(0.77 / 4);
  }

  @Test
  void aPerfectPredictionScoresPerfectly() {
    float[] target = {0, 1, 1, 0, 1, 0, 0, 0};
    ImageScores s = ImageScores.of(target.clone(), target);
    assertThat(s.jaccard()).isEqualTo(1.0);
    assertThat(s.dice()).isEqualTo(1.0);
    assertThat(s.nll()).isWithin(1e-6).of(0.0);
    assertThat(s.brier()).isEqualTo(0.0);
    Calibration calibration = new Calibration();
    calibration.add(target.clone(), target);
    assertThat(calibration.expectedCalibrationError()).isEqualTo(0.0);
  }

  @Test
  void emptyMasksAgreeAndConfidentMistakesStayFinite() {
    ImageScores empty = ImageScores.of(new float[] {0.1f, 0.2f}, new float[] {0, 0});
    assertThat(empty.jaccard()).isEqualTo(1.0);
    assertThat(empty.dice()).isEqualTo(1.0);
    ImageScores wrong = ImageScores.of(new float[] {0f, 1f}, new float[] {1, 0});
    assertThat(wrong.jaccard()).isEqualTo(0.0);
    // Clipped at 1e-7: -ln(1e-7) = 16.118 per pixel.
    assertThat(wrong.nll()).isWithin(1e-3).of(16.118);
    assertThat(wrong.brier()).isEqualTo(1.0);
    assertThrows(IllegalArgumentException.class, () -> ImageScores.of(new float[3], new float[4]));
  }

  @Test
  void expectedCalibrationErrorByHand() {
    float[] p = {0.1f, 0.2f, 0.8f, 0.9f, 0.7f};
    float[] y = {0, 1, 1, 1, 0};
    Calibration fifteen = new Calibration();
    fifteen.add(p, y);
    // One pixel per bin: the mean of |p - y|.
    assertThat(fifteen.expectedCalibrationError()).isWithin(1e-6).of((0.1 + 0.8 + 0.2 + 0.1 + 0.7) / 5);
    Calibration two = new Calibration(2);
    two.add(p, y);
    // Bin [0, 0.5): mean p 0.15, frequency 1/2; bin [0.5, 1]: mean p 0.8, frequency 2/3.
    assertThat(two.meanProbability(0)).isWithin(1e-6).of(0.15);
    assertThat(two.frequency(1)).isWithin(1e-12).of(2.0 / 3);
    assertThat(two.expectedCalibrationError()).isWithin(1e-6).of(2.0 / 5 * 0.35 + 3.0 / 5 * (0.8 - 2.0 / 3));
    assertThat(two.count(1)).isEqualTo(3);
    // p = 1 falls in the last bin, not past it.
    two.add(new float[] {1f}, new float[] {1});
    assertThat(two.count(1)).isEqualTo(4);
  }

  @Test
  void meanWithStandardError() {
    MeanAndError m = MeanAndError.of(new double[] {0.5, 0.7, 0.9});
    assertThat(m.mean()).isWithin(1e-12).of(0.7);
    // Sample sd 0.2, over sqrt(3).
    assertThat(m.standardError()).isWithin(1e-12).of(0.2 / Math.sqrt(3));
    assertThat(m.percent()).isEqualTo("70.00 ± 11.55");
    assertThat(MeanAndError.of(new double[0]).n()).isEqualTo(0);
  }
}
