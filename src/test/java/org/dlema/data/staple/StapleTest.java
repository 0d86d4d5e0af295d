package org.dlema.data.staple;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StapleTest {
  @Test
  void recoversTheRatesOfAnnotatorsDrawnFromItsOwnModel() {
    // Data drawn from STAPLE's generative model with known rates: EM must find them again.
    double[] sensitivity = {0.95, 0.80, 0.70};
    double[] specificity = {0.98, 0.90, 0.96};
    int n = 200_000;
    SplittableRandom random = new SplittableRandom(7);
    boolean[] truth = new boolean[n];
    List<boolean[]> raters = new ArrayList<>();
    for (int j = 0; j < 3; j++) {
      raters.add(new boolean[n]);
    }
    for (int i = 0; i < n; i++) {
      truth[i] = random.nextDouble() < 0.3;
      for (int j = 0; j < 3; j++) {
        raters.get(j)[i] = truth[i] ? random.nextDouble() < sensitivity[j] : random.nextDouble() >= specificity[j];
      }
    }
    Staple.Result result = Staple.estimate(raters);
    assertThat(result.converged()).isTrue();
    for (int j = 0; j < 3; j++) {
      assertThat(result.sensitivity()[j]).isWithin(0.01).of(sensitivity[j]);
      assertThat(result.specificity()[j]).isWithin(0.01).of(specificity[j]);
    }
    // The consensus is right far more often than the best single annotator (95% + 98% of 70/30).
    boolean[] mask = result.mask();
    int right = 0;
    for (int i = 0; i < n; i++) {
      if (mask[i] == truth[i]) {
        right++;
      }
    }
    assertThat((double) right / n).isGreaterThan(0.3 * 0.95 + 0.7 * 0.98);
  }

  @Test
  void agreementIsCertainAndAnOverDrawingAnnotatorLosesSpecificity() {
    int n = 100;
    boolean[] a = new boolean[n];
    boolean[] b = new boolean[n];
    boolean[] wide = new boolean[n];
    for (int i = 0; i < n; i++) {
      a[i] = i < 30;
      b[i] = i < 30;
      wide[i] = i < 60;
    }
    Staple.Result result = Staple.estimate(List.of(a, b, wide));
    assertThat(result.probability()[0]).isGreaterThan(0.999);
    assertThat(result.probability()[99]).isLessThan(0.001);
    // Pixels 30..59: two careful annotators say no, one says yes.
    assertThat(result.probability()[45]).isLessThan(0.5);
    assertThat(result.specificity()[2]).isLessThan(result.specificity()[0]);
    assertThat(result.sensitivity()[2]).isWithin(1e-6).of(1.0);
  }

  @Test
  void emptyAnnotationsGiveAnEmptyConsensus() {
    Staple.Result result = Staple.estimate(List.of(new boolean[5], new boolean[5]));
    assertThat(result.mask()).asList().doesNotContain(true);
    assertThat(result.converged()).isTrue();
  }
}
