package org.dlema.experiment;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dlema.data.augment.AugmentationSettings;
import org.dlema.graph.NoiseDraw;
import org.dlema.train.EnsembleSettings.WeightRegion;
import org.dlema.train.LearningRateSchedule;
import org.dlema.train.Method;
import org.dlema.train.TrainingSettings;
import org.junit.jupiter.api.Test;

/** Each budget's settings against the numbers it documents (docs/cli.md), the paper's against section 3.2. */
class BudgetTest {
  @Test
  void thePaperBudgetIsSection32Unchanged() {
    Budget paper = Budget.of("paper");
    TrainingSettings settings = paper.settings(Method.BASELINE, 1);
    assertThat(settings.steps()).isEqualTo(100_000);
    assertThat(settings.batchSize()).isEqualTo(2);
    assertThat(settings.learningRate()).isEqualTo(1e-4);
    assertThat(settings.momentum()).isEqualTo(0.99);
    assertThat(settings.weightDecay()).isEqualTo(5e-5);
    assertThat(settings.mcSamples()).isEqualTo(10);
    assertThat(settings.schedule()).isEqualTo(LearningRateSchedule.constant());
    assertThat(settings.augmentation()).isEqualTo(AugmentationSettings.none());
    assertThat(paper.ensemble().cleanBatch()).isEqualTo(64);
    assertThat(paper.ensemble().weightRegion()).isEqualTo(WeightRegion.ALL);
    assertThat(paper.ensemble().isPaperMethod()).isTrue();
    // The same as train's defaults.
    assertThat(settings).isEqualTo(TrainingSettings.builder(Method.BASELINE).seed(1).steps(100_000)
        .interval(5000).build());
  }

  @Test
  void cpuLongIsCpuWithTwiceTheStepsAndFlipsAndQuarterTurns() {
    Budget cpu = Budget.of("cpu");
    Budget longer = Budget.of("cpu-long");
    TrainingSettings a = cpu.settings(Method.DLEMA, 3);
    TrainingSettings b = longer.settings(Method.DLEMA, 3);
    assertThat(a.steps()).isEqualTo(1500);
    assertThat(b.steps()).isEqualTo(3000);
    assertThat(a.augmentation()).isEqualTo(AugmentationSettings.none());
    assertThat(b.augmentation()).isEqualTo(new AugmentationSettings(true, true, 0, 0, 0, 0, 0));
    assertThat(b.batchSize()).isEqualTo(16);
    assertThat(b.learningRate()).isEqualTo(2e-3);
    assertThat(b.schedule()).isEqualTo(new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, 50, 1));
    // Everything else is cpu's.
    assertThat(b).isEqualTo(a.toBuilder().steps(3000).augmentation(AugmentationSettings.dihedral()).build());
    assertThat(longer.ensemble()).isEqualTo(cpu.ensemble());
    assertThat(longer.ensemble().weightRegion()).isEqualTo(WeightRegion.DISPUTED);
    assertThat(longer.label()).isEqualTo("cpu-long (3000 steps, weights on disputed pixels)");
  }

  @Test
  void cpuHourIsCpuLongWithTheMembersMetaWeightedFromStep2000() {
    Budget longer = Budget.of("cpu-long");
    Budget hour = Budget.of("cpu-hour");
    assertThat(longer.ensemble().metaWarmup()).isEqualTo(0);
    assertThat(hour.ensemble().metaWarmup()).isEqualTo(2000);
    // Everything else is cpu-long's: every network's settings, and the ensemble's but for the warm-up.
    for (Method method : Method.values()) {
      assertThat(hour.settings(method, 2)).isEqualTo(longer.settings(method, 2));
    }
    assertThat(hour.ensemble()).isEqualTo(longer.ensemble().toBuilder().metaWarmup(2000).build());
    assertThat(hour.label()).isEqualTo("cpu-hour (3000 steps, weights on disputed pixels, meta-weighting from step "
        + "2000)");
    // Fewer steps keep the warm-up's share of them: two thirds.
    assertThat(hour.withSteps(300).ensemble().metaWarmup()).isEqualTo(200);
    assertThat(hour.withSteps(2).ensemble().metaWarmup()).isEqualTo(1);
    assertThat(longer.withSteps(300).ensemble().metaWarmup()).isEqualTo(0);
  }

  @Test
  void weightAveragingChangesOnlyEveryNetworksAverageDecay() {
    Budget hour = Budget.of("cpu-hour");
    Budget averaged = hour.toBuilder().averageDecay(0.995).build();
    for (Method method : Method.values()) {
      assertThat(hour.settings(method, 2).averageDecay()).isEqualTo(0.0);
      assertThat(averaged.settings(method, 2)).isEqualTo(hour.settings(method, 2).toBuilder().averageDecay(0.995)
          .build());
    }
    assertThat(averaged.ensemble()).isEqualTo(hour.ensemble());
    assertThat(averaged.label()).isEqualTo("cpu-hour (3000 steps, weights on disputed pixels, meta-weighting from "
        + "step 2000, weights averaged with decay 0.995)");
    // The other overrides keep it.
    assertThat(averaged.withSteps(300).averageDecay()).isEqualTo(0.995);
    assertThat(averaged.toBuilder().weightRegion(WeightRegion.ALL).build().averageDecay()).isEqualTo(0.995);
    for (String name : Budget.names()) {
      assertThat(Budget.of(name).averageDecay()).isEqualTo(0.0);
    }
  }

  @Test
  void sharedNoiseChangesOnlyHowEveryNetworkDrawsIt() {
    Budget hour = Budget.of("cpu-hour");
    Budget shared = hour.toBuilder().noiseDraw(NoiseDraw.SHARED).build();
    for (Method method : Method.values()) {
      assertThat(hour.settings(method, 2).noiseDraw()).isEqualTo(NoiseDraw.PER_IMAGE);
      assertThat(shared.settings(method, 2)).isEqualTo(hour.settings(method, 2).toBuilder()
          .noiseDraw(NoiseDraw.SHARED).build());
    }
    assertThat(shared.ensemble()).isEqualTo(hour.ensemble());
    // The label is what a resumed experiment compares: another draw is another experiment.
    assertThat(shared.label()).isEqualTo("cpu-hour (3000 steps, weights on disputed pixels, meta-weighting from "
        + "step 2000, noise shared by the batch)");
    assertThat(shared.withSteps(300).noiseDraw()).isEqualTo(NoiseDraw.SHARED);
    for (String name : Budget.names()) {
      assertThat(Budget.of(name).noiseDraw()).isEqualTo(NoiseDraw.PER_IMAGE);
    }
  }

  @Test
  void everyNamedBudgetExistsAndAnUnknownOneIsNamedInTheError() {
    for (String name : Budget.names()) {
      assertThat(Budget.of(name).name()).isEqualTo(name);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Budget.of("fast"));
    assertThat(e).hasMessageThat().contains("no budget called 'fast'; available: cpu, cpu-long, cpu-hour, "
        + "small-objects, quick, "
        + "paper");
  }

  @Test
  void smallObjectsIsCpuWithAdamAndTheMembersMetaWeightedForTheirLastThird() {
    Budget small = Budget.of("small-objects");
    Budget cpu = Budget.of("cpu");
    TrainingSettings settings = small.settings(Method.BASELINE, 3);
    assertThat(settings.optimizer()).isEqualTo(org.dlema.train.Optimizer.ADAM);
    assertThat(settings.learningRate()).isEqualTo(1e-3);
    assertThat(settings.selectOn()).isEqualTo(org.dlema.train.SelectOn.POOLED_REFERENCE);
    assertThat(settings.toBuilder().optimizer(org.dlema.train.Optimizer.MOMENTUM).learningRate(2e-3)
        .augmentation(cpu.augmentation()).selectOn(org.dlema.train.SelectOn.ANNOTATIONS).build())
        .isEqualTo(cpu.settings(Method.BASELINE, 3));
    assertThat(small.ensemble()).isEqualTo(cpu.ensemble().toBuilder().metaWarmup(1000).build());
    assertThat(small.label()).isEqualTo("small-objects (1500 steps, weights on disputed pixels, meta-weighting from "
        + "step 1000, adam, selected on the pooled reference)");
    for (String name : Budget.names()) {
      if (!name.equals("small-objects")) {
        assertThat(Budget.of(name).optimizer()).isEqualTo(org.dlema.train.Optimizer.MOMENTUM);
      }
    }
  }
}
