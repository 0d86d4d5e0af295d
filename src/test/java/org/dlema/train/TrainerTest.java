package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.data.augment.AugmentationSettings;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.data.synth.SyntheticDataset;
import org.dlema.data.synth.SyntheticLesionSettings;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class TrainerTest {
  @TempDir static Path shared;
  static Path data;
  static NetworkSpec tiny;

  @TempDir Path dir;

  @BeforeAll
  static void syntheticData() throws Exception {
    data = shared.resolve("data");
    SyntheticDataset.write(data, 12, SyntheticLesionSettings.defaults(48), SimulatorSettings.defaults(2),
        Progress.silent());
    tiny = NetworkSpec.load(Path.of("graphs/tiny.json"));
  }

  static TrainingSettings settings(int steps, double learningRate) {
    return TrainingSettings.builder(Method.BASELINE).learningRate(learningRate).momentum(0.9).mcSamples(3)
        .seed(11).steps(steps).interval(3).validationFraction(0.25).build();
  }

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static byte[] weights(Path run, CheckpointKind kind) throws Exception {
    return Files.readAllBytes(Checkpoints.variables(run.resolve("checkpoints").resolve(kind.id()))
        .resolveSibling("model.data-00000-of-00001"));
  }

  @Test
  void resumedRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
    Path whole = dir.resolve("whole");
    Path halves = dir.resolve("halves");
    Trainer.Outcome straight = TrainingRun.start(data, tiny, settings(6, 0.01), whole, quiet());
    assertThat(straight.diverged()).isFalse();
    TrainingRun.start(data, tiny, settings(3, 0.01), halves, quiet());
    Trainer.Outcome resumed = TrainingRun.resume(halves, 6, quiet());
    assertThat(resumed.steps()).isEqualTo(6);
    assertThat(weights(halves, CheckpointKind.FINAL)).isEqualTo(weights(whole, CheckpointKind.FINAL));
    assertThat(weights(halves, CheckpointKind.FINAL)).isNotEqualTo(weights(halves, CheckpointKind.BEST));
    // The metrics of the redone steps are not duplicated.
    long lossLines = Files.readAllLines(halves.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"loss\"")).count();
    assertThat(lossLines).isEqualTo(Files.readAllLines(whole.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"loss\"")).count());
    // Resuming a finished run trains nothing and adds no events file.
    long eventFiles = eventFiles(halves);
    assertThat(eventFiles).isEqualTo(2);
    assertThat(TrainingRun.resume(halves, 6, quiet()).steps()).isEqualTo(6);
    assertThat(eventFiles(halves)).isEqualTo(eventFiles);
  }

  private static long eventFiles(Path run) throws java.io.IOException {
    try (var files = Files.list(run)) {
      return files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).count();
    }
  }

  @Test
  void augmentedRunWithAWarmUpResumesBitIdentically() throws Exception {
    TrainingSettings recipe = settings(6, 0.01).toBuilder()
        .schedule(new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, 4, 1))
        .augmentation(AugmentationSettings.standard()).build();
    Path whole = dir.resolve("whole");
    Path halves = dir.resolve("halves");
    TrainingRun.start(data, tiny, recipe, whole, quiet());
    // Stopped inside the warm-up, so that the resumed steps use rates and transforms of their own.
    TrainingRun.start(data, tiny, recipe.withSteps(3), halves, quiet());
    TrainingRun.resume(halves, 6, quiet());
    assertThat(weights(halves, CheckpointKind.FINAL)).isEqualTo(weights(whole, CheckpointKind.FINAL));
    // The recipe is recorded and read back, and it changed what was trained.
    assertThat(RunConfig.read(halves).settings()).isEqualTo(recipe);
    Path plain = dir.resolve("plain");
    TrainingRun.start(data, tiny, settings(6, 0.01), plain, quiet());
    assertThat(weights(plain, CheckpointKind.FINAL)).isNotEqualTo(weights(whole, CheckpointKind.FINAL));
  }

  @Test
  void aRunWithAveragedWeightsResumesBitIdentically() throws Exception {
    TrainingSettings recipe = settings(6, 0.01).toBuilder().averageDecay(0.8).build();
    Path whole = dir.resolve("whole");
    Path halves = dir.resolve("halves");
    TrainingRun.start(data, tiny, recipe, whole, quiet());
    TrainingRun.start(data, tiny, recipe.withSteps(3), halves, quiet());
    TrainingRun.resume(halves, 6, quiet());
    assertThat(RunConfig.read(halves).settings().averageDecay()).isEqualTo(0.8);
    assertThat(weights(halves, CheckpointKind.FINAL)).isEqualTo(weights(whole, CheckpointKind.FINAL));
    assertThat(weights(halves, CheckpointKind.BEST)).isEqualTo(weights(whole, CheckpointKind.BEST));
  }

  @Test
  void aRunWithSharedNoiseResumesBitIdenticallyAndDrawsOtherNoise() throws Exception {
    TrainingSettings recipe = settings(6, 0.01).toBuilder().noiseDraw(NoiseDraw.SHARED).build();
    Path whole = dir.resolve("whole");
    Path halves = dir.resolve("halves");
    TrainingRun.start(data, tiny, recipe, whole, quiet());
    TrainingRun.start(data, tiny, recipe.withSteps(3), halves, quiet());
    TrainingRun.resume(halves, 6, quiet());
    assertThat(RunConfig.read(halves).settings().noiseDraw()).isEqualTo(NoiseDraw.SHARED);
    assertThat(weights(halves, CheckpointKind.FINAL)).isEqualTo(weights(whole, CheckpointKind.FINAL));
    Path perImage = dir.resolve("per-image");
    TrainingRun.start(data, tiny, settings(6, 0.01), perImage, quiet());
    assertThat(weights(perImage, CheckpointKind.FINAL)).isNotEqualTo(weights(whole, CheckpointKind.FINAL));
  }

  @Test
  void aDecayingScheduleKeepsItsTotal() throws Exception {
    Path run = dir.resolve("cosine");
    TrainingRun.start(data, tiny, settings(3, 0.01).toBuilder().schedule(LearningRateSchedule.cosine(1, 0.1))
        .build(), run, quiet());
    RunStateException e = assertThrows(RunStateException.class, () -> TrainingRun.resume(run, 6, quiet()));
    assertThat(e.reason()).isEqualTo(RunStateException.Reason.MISMATCH);
    assertThat(e).hasMessageThat().contains("its total cannot change");
  }

  @Test
  void olderConfigWithoutTheNewFieldsReadsAsThePapersSettings() throws Exception {
    Path run = dir.resolve("run");
    TrainingRun.start(data, tiny, settings(3, 0.01), run, quiet());
    String config = Files.readString(run.resolve("config.json"));
    String older = config.replaceAll("(?s),\\s*\"schedule\": \\{[^}]*\\}", "")
        .replaceAll("(?s),\\s*\"augmentation\": \\{[^}]*\\}", "")
        .replaceAll(",\\s*\"averageDecay\": [0-9.]+", "")
        .replaceAll(",\\s*\"noiseDraw\": \"[a-z-]+\"", "");
    assertThat(older).doesNotContain("schedule");
    assertThat(older).doesNotContain("averageDecay");
    assertThat(older).doesNotContain("noiseDraw");
    Files.writeString(run.resolve("config.json"), older);
    TrainingSettings read = RunConfig.read(run).settings();
    assertThat(read.schedule()).isEqualTo(LearningRateSchedule.constant());
    assertThat(read.augmentation()).isEqualTo(AugmentationSettings.none());
    assertThat(read.averageDecay()).isEqualTo(0.0);
    assertThat(read.noiseDraw()).isEqualTo(NoiseDraw.PER_IMAGE);
    assertThat(read.method()).isEqualTo(Method.BASELINE);
  }

  @Test
  void sameSeedSameWeights() throws Exception {
    TrainingRun.start(data, tiny, settings(3, 0.01), dir.resolve("a"), quiet());
    TrainingRun.start(data, tiny, settings(3, 0.01), dir.resolve("b"), quiet());
    assertThat(weights(dir.resolve("a"), CheckpointKind.FINAL))
        .isEqualTo(weights(dir.resolve("b"), CheckpointKind.FINAL));
  }

  @Test
  void runFolderDescribesItself() throws Exception {
    Path run = dir.resolve("run");
    TrainingRun.start(data, tiny, settings(3, 0.01), run, quiet());
    for (String file : new String[] {"config.json", "split.json", "normalization.json", "metrics.jsonl",
        "checkpoints/latest/state.json", "checkpoints/best/state.json", "checkpoints/final/model.index"}) {
      assertThat(Files.exists(run.resolve(file))).isTrue();
    }
    try (var files = Files.list(run)) {
      assertThat(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents."))).isTrue();
    }
    RunConfig config = JsonFiles.read(run.resolve("config.json"), RunConfig.class);
    assertThat(config.spec()).isEqualTo(tiny);
    assertThat(config.versions().tensorflow()).startsWith("2.");
  }

  @Test
  void divergenceStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
    Path run = dir.resolve("diverging");
    Trainer.Outcome outcome = TrainingRun.start(data, tiny,
        TrainingSettings.builder(Method.BASELINE).learningRate(1e30).momentum(0.9).weightDecay(0)
            .mcSamples(3).seed(11).steps(50).interval(1).validationFraction(0.25).build(), run, quiet());
    assertThat(outcome.diverged()).isTrue();
    assertThat(outcome.steps()).isLessThan(50);
    Checkpoints.State latest = RunFolder.of(run).checkpoints().state(CheckpointKind.LATEST).orElseThrow();
    assertThat(latest.step()).isEqualTo(outcome.steps());
    assertThat(Files.exists(run.resolve("checkpoints/final"))).isFalse();
  }
}
