package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test
  void constantIsThePapersRateAtEveryStep() {
    LearningRateSchedule constant = LearningRateSchedule.constant();
    for (long step : new long[] {0, 1, 99, 999}) {
      assertThat(constant.rate(1e-4, step, 1000)).isEqualTo(1e-4);
    }
  }

  @Test
  void warmUpRisesLinearlyThenCosineFallsToTheFloor() {
    LearningRateSchedule cosine = LearningRateSchedule.cosine(10, 0.1);
    // Warm-up: (step + 1) / 10 of the base.
    assertThat(cosine.rate(2.0, 0, 110)).isWithin(1e-12).of(0.2);
    assertThat(cosine.rate(2.0, 4, 110)).isWithin(1e-12).of(1.0);
    // The first step after the warm-up is the full rate, the last the floor, the middle halfway between.
    assertThat(cosine.rate(2.0, 10, 110)).isWithin(1e-12).of(2.0);
    assertThat(cosine.rate(2.0, 109, 110)).isWithin(1e-12).of(0.2);
    double middle = cosine.rate(2.0, 59, 110);
    // Analytic value at progress 49/99: floor + (1 - floor) (1 + cos(pi 49/99)) / 2, times the base.
    double expected = 2.0 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 49 / 99.0)));
    assertThat(middle).isWithin(1e-12).of(expected);
    // Never increasing after the warm-up.
    for (long step = 11; step < 110; step++) {
      assertThat(cosine.rate(2.0, step, 110)).isAtMost(cosine.rate(2.0, step - 1, 110));
    }
  }

  @Test
  void settingsUseTheirScheduleForEveryStep() {
    TrainingSettings settings = TrainingSettings.builder(Method.BASELINE).learningRate(1e-3).steps(200)
        .schedule(LearningRateSchedule.cosine(20, 0)).build();
    assertThat(settings.learningRate(0)).isWithin(1e-15).of(1e-3 / 20);
    assertThat(settings.learningRate(199)).isWithin(1e-15).of(0);
  }
}
