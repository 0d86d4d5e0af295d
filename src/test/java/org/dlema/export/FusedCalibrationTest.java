package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlema.graph.Fusion;
import org.dlema.graph.FusionRule;
import org.dlema.io.JsonFiles;
import org.dlema.train.CheckpointKind;
import org.dlema.train.FusionValidation;
import org.dlema.train.PreparedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ensemble's temperatures, fitted on fused probabilities whose true temperature is known: labels equal to
 * sigmoid(logit(p) / T0) as soft labels make T0 the exact minimiser of the NLL.
 */
class FusedCalibrationTest {
  private static final int SIDE = 8;
  private static final int IMAGES = 6;
  private static final Map<FusionRule, Double> TRUE = Map.of(FusionRule.UNIFORM, 0.6,
      FusionRule.PIXEL_CONFIDENCE, 1.8, FusionRule.IMAGE_CONFIDENCE, 0.35);

  @TempDir Path run;

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }

  /**
   * Fused probabilities for every rule and, per image, labels made with the UNIFORM rule's true temperature from
   * its probabilities; the other rules' probabilities are chosen so that the same labels give their own true
   * temperature: p_rule = sigmoid(z * T_rule / T_uniform) where the uniform logit is z.
   */
  private static FusionValidation.Outputs outputs(boolean references) {
    int pixels = SIDE * SIDE;
    SplittableRandom random = new SplittableRandom(5);
    double[] z = new double[IMAGES * pixels];
    for (int q = 0; q < z.length; q++) {
      z[q] = 6 * (random.nextDouble() - 0.5);
    }
    Map<FusionRule, float[]> probabilities = new EnumMap<>(FusionRule.class);
    for (FusionRule rule : FusionRule.values()) {
      float[] p = new float[z.length];
      for (int q = 0; q < z.length; q++) {
        p[q] = (float) sigmoid(z[q] * TRUE.get(rule) / TRUE.get(FusionRule.UNIFORM));
      }
      probabilities.put(rule, p);
    }
    float[][] images = new float[IMAGES][pixels * 3];
    float[][][] masks = new float[IMAGES][][];
    float[][] reference = references ? new float[IMAGES][] : null;
    for (int i = 0; i < IMAGES; i++) {
      float[] label = new float[pixels];
      for (int q = 0; q < pixels; q++) {
        // The truth: sigmoid(z / T_uniform), i.e. logit(p_rule) / T_rule for every rule.
        label[q] = (float) sigmoid(z[i * pixels + q] / TRUE.get(FusionRule.UNIFORM));
      }
      if (references) {
        reference[i] = label;
        // Annotations that say something else, which a fit to the references must ignore.
        masks[i] = new float[][] {new float[pixels], new float[pixels]};
      } else {
        masks[i] = new float[][] {label, label.clone()};
      }
    }
    PreparedSet set = new PreparedSet(List.of("a", "b", "c", "d", "e", "f"), images, masks, reference, SIDE);
    return new FusionValidation.Outputs(new FusionValidation.Scores(Map.of(), Map.of(), set.count()), set,
        probabilities);
  }

  private static PrintStream quiet() {
    return new PrintStream(PrintStream.nullOutputStream());
  }

  @Test
  void recoversEachRulesTemperatureFromTheReferenceMasks() throws Exception {
    FusedCalibration.Temperatures fit = FusedCalibration.fit(run, CheckpointKind.BEST, List.of(10L, 10L),
        List.of(0.7, 0.9), outputs(true), quiet());
    for (FusionRule rule : FusionRule.values()) {
      assertThat(fit.byRule().get(rule)).isWithin(1e-3).of(TRUE.get(rule));
      FusedCalibration.Rule r = fit.rules().get(rule.signature());
      assertThat(r.validationNllAfter()).isLessThan(r.validationNllBefore());
    }
    assertThat(fit.targets()).isEqualTo(Calibrations.REFERENCES);
    assertThat(fit.pixels()).isEqualTo((long) IMAGES * SIDE * SIDE);
    assertThat(fit.images()).isEqualTo(IMAGES);
    // Written as it was fitted, with what it was fitted on.
    FusedCalibration.Temperatures stored = JsonFiles.read(run.resolve(FusedCalibration.FILE),
        FusedCalibration.Temperatures.class);
    assertThat(stored.byRule()).isEqualTo(fit.byRule());
    assertThat(stored.memberSteps()).containsExactly(10L, 10L).inOrder();
    assertThat(stored.memberTemperatures()).containsExactly(0.7, 0.9).inOrder();
  }

  @Test
  void withoutReferencesEveryAnnotationIsATarget() throws Exception {
    FusedCalibration.Temperatures fit = FusedCalibration.fit(run, CheckpointKind.BEST, List.of(3L), List.of(1.0),
        outputs(false), quiet());
    for (FusionRule rule : FusionRule.values()) {
      assertThat(fit.byRule().get(rule)).isWithin(1e-3).of(TRUE.get(rule));
    }
    assertThat(fit.targets()).isEqualTo(Calibrations.ANNOTATIONS);
    assertThat(fit.pixels()).isEqualTo(2L * IMAGES * SIDE * SIDE);
  }

  @Test
  void theJavaLogitIsClippedLikeTheGraphs() {
    assertThat((double) Fusion.logit(0.5f)).isWithin(1e-7).of(0);
    assertThat((double) Fusion.logit(0.9f)).isWithin(1e-5).of(Math.log(9));
    // The bounds are float32 values, as in the graph's clip.
    double low = Fusion.PROBABILITY_FLOOR;
    double high = 1f - Fusion.PROBABILITY_FLOOR;
    assertThat((double) Fusion.logit(0f)).isWithin(1e-4).of(Math.log(low / (1 - low)));
    assertThat((double) Fusion.logit(1f)).isWithin(1e-4).of(Math.log(high / (1 - high)));
    assertThat((double) Fusion.logit(Float.NaN)).isNaN();
  }
}
