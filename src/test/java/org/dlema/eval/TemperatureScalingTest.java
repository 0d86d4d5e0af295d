package org.dlema.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemperatureScalingTest {
  static final int PIXELS = 1_000_000;

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }

  /** Logits z_true * t0 of {@link #PIXELS} pixels whose labels are drawn from sigmoid(z_true): the right T is t0. */
  private static float[][] miscalibrated(double t0, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] z = new float[PIXELS];
    float[] y = new float[PIXELS];
    for (int i = 0; i < PIXELS; i++) {
      double truth = 2.5 * nextGaussian(random);
      y[i] = random.nextDouble() < sigmoid(truth) ? 1 : 0;
      z[i] = (float) (truth * t0);
    }
    return new float[][] {z, y};
  }

  private static double nextGaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 1, 2, 3})
  void recoversTheTemperatureOfScaledLogits(double t0) {
    float[][] data = miscalibrated(t0, (long) (t0 * 100));
    TemperatureScaling.Fit fit = TemperatureScaling.fit(data[0], data[1]);
    assertThat(fit.temperature()).isWithin(0.03 * t0).of(t0);
    assertThat(fit.pixels()).isEqualTo(PIXELS);
    assertThat(fit.nllAfter()).isAtMost(fit.nllBefore());
    if (t0 != 1) {
      assertThat(fit.nllAfter()).isLessThan(fit.nllBefore() - 1e-3);
      assertThat(fit.eceAfter()).isLessThan(fit.eceBefore());
    }
    assertThat(fit.eceAfter()).isLessThan(0.01);
  }

  @Test
  void softLabelsEqualToTheTrueProbabilitiesGiveTheTemperatureExactly() {
    SplittableRandom random = new SplittableRandom(7);
    float[] z = new float[50_000];
    float[] y = new float[z.length];
    for (int i = 0; i < z.length; i++) {
      double truth = 3 * nextGaussian(random);
      y[i] = (float) sigmoid(truth);
      z[i] = (float) (truth * 2.5);
    }
    assertThat(TemperatureScaling.fit(z, y).temperature()).isWithin(1e-4).of(2.5);
  }

  @Test
  void mcDropoutPassesAreCalibratedThroughTheMeanOfTheirProbabilities() {
    int passes = 4;
    int n = 300_000;
    SplittableRandom random = new SplittableRandom(11);
    float[] z = new float[n * passes];
    float[] y = new float[n];
    double t0 = 2;
    for (int i = 0; i < n; i++) {
      double centre = 2 * nextGaussian(random);
      double p = 0;
      for (int k = 0; k < passes; k++) {
        double pass = centre + 0.8 * nextGaussian(random);
        p += sigmoid(pass) / passes;
        z[i * passes + k] = (float) (pass * t0);
      }
      y[i] = random.nextDouble() < p ? 1 : 0;
    }
    TemperatureScaling.Fit fit = TemperatureScaling.fit(List.of(z), List.of(y), passes);
    assertThat(fit.temperature()).isWithin(0.03 * t0).of(t0);
    assertThat(fit.nllAfter()).isLessThan(fit.nllBefore());
  }

  @Test
  void blocksMayShareLogitsAndTheResultDoesNotDependOnTheThreads() throws Exception {
    float[][] data = miscalibrated(2, 5);
    // The same logits twice, against two label sets (one image, two annotations).
    float[] other = new float[PIXELS];
    for (int i = 0; i < PIXELS; i++) {
      other[i] = 1 - data[1][i];
    }
    List<float[]> logits = List.of(data[0], data[0]);
    List<float[]> labels = List.of(data[1], other);
    TemperatureScaling.Fit one;
    TemperatureScaling.Fit four;
    ForkJoinPool single = new ForkJoinPool(1);
    ForkJoinPool several = new ForkJoinPool(4);
    try {
      one = single.submit(() -> TemperatureScaling.fit(logits, labels, 1)).get();
      four = several.submit(() -> TemperatureScaling.fit(logits, labels, 1)).get();
    } finally {
      single.shutdown();
      several.shutdown();
    }
    assertThat(four).isEqualTo(one);
    assertThat(one.pixels()).isEqualTo(2L * PIXELS);
    // Contradicting annotations of equal weight: the calibrated answer is 1/2 everywhere, the largest T allowed.
    assertThat(one.temperature()).isWithin(1e-3).of(TemperatureScaling.MAX_TEMPERATURE);
  }

  @Test
  void separableDataStopsAtTheSmallestTemperature() {
    List<float[]> logits = new ArrayList<>();
    List<float[]> labels = new ArrayList<>();
    logits.add(new float[] {3, -2, 5, -4});
    labels.add(new float[] {1, 0, 1, 0});
    TemperatureScaling.Fit fit = TemperatureScaling.fit(logits, labels, 1);
    assertThat(fit.temperature()).isWithin(1e-4).of(TemperatureScaling.MIN_TEMPERATURE);
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> TemperatureScaling.fit(new float[] {1, 2}, new float[] {0, 2}));
    assertThrows(IllegalArgumentException.class,
        () -> TemperatureScaling.fit(new float[] {Float.NaN, 2}, new float[] {0, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> TemperatureScaling.fit(new float[] {1, 2, 3}, new float[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> TemperatureScaling.fit(new float[0], new float[0]));
  }
}
