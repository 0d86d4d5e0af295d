package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static org.dlema.export.EnsembleExporterTest.call;
import static org.dlema.export.EnsembleExporterTest.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.eval.TemperatureScaling;
import org.dlema.graph.FusionRule;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.Tensors;
import org.dlema.io.JsonFiles;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.dlema.train.CheckpointKind;
import org.dlema.train.RunFolder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Temperature scaling end to end: fitted on a run's validation images, stored, and applied inside the exports. */
@Tag("slow")
class CalibratedExportTest {
  @TempDir Path dir;

  /** A private copy of a shared tiny run, so that its calibration.json can be set or removed freely. */
  private Path copy(Path run) throws IOException {
    Path copy = dir.resolve("run");
    TestFiles.copyTree(run, copy);
    return copy;
  }

  private static long bestStep(Path run) throws IOException {
    return RunFolder.of(run).checkpoints().state(CheckpointKind.BEST).orElseThrow().step();
  }

  /** A calibration.json for the best checkpoint, fitted (as far as the export can tell) against today's targets. */
  private static void store(Path run, double temperature) throws IOException {
    store(run, temperature, Calibrations.expectedTargets(run).orElseThrow());
  }

  private static void store(Path run, double temperature, String targets) throws IOException {
    JsonFiles.write(run.resolve(Calibrations.FILE), new Calibrations.Temperature(CheckpointKind.BEST, bestStep(run),
        temperature, 0, 0, 0, 0, 1, 1, 1, targets));
  }

  /** A fusion-calibration.json for an ensemble whose members have the given temperatures. */
  private static void storeFused(Path run, double[] members, Map<FusionRule, Double> rules) throws IOException {
    List<Long> steps = new ArrayList<>();
    List<Double> temperatures = new ArrayList<>();
    for (int i = 1; i <= members.length; i++) {
      steps.add(bestStep(run.resolve("members").resolve(Integer.toString(i))));
      temperatures.add(members[i - 1]);
    }
    Map<String, FusedCalibration.Rule> byName = new LinkedHashMap<>();
    rules.forEach((rule, t) -> byName.put(rule.signature(), new FusedCalibration.Rule(t, 0, 0, 0, 0)));
    JsonFiles.write(run.resolve(FusedCalibration.FILE), new FusedCalibration.Temperatures(CheckpointKind.BEST, steps,
        temperatures, byName, 1, 1, Calibrations.expectedTargets(run.resolve("members/1")).orElseThrow()));
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }

  /**
   * Checks calibrated = sigmoid(logit(raw) / temperature) where raw is far enough from 0 and 1 for its logit to be
   * recovered from a float, and that the temperature did change the answer there.
   */
  private static void assertScaled(float[] calibrated, float[] raw, double temperature) {
    int checked = 0;
    double changed = 0;
    for (int q = 0; q < raw.length; q++) {
      if (raw[q] > 0.01 && raw[q] < 0.99) {
        double expected = sigmoid(logit(raw[q]) / temperature);
        assertThat((double) calibrated[q]).isWithin(1e-5).of(expected);
        changed = Math.max(changed, Math.abs(expected - raw[q]));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(raw.length / 4);
    assertThat(changed).isGreaterThan(1e-3);
  }

  private static float[] probability(Path export, float[] pixels, int side) {
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
      return call(bundle, "serving_default", "probability", pixels, side, side, 1);
    }
  }

  @Test
  void theSingleNetworkExportDividesTheLogitByTheStoredTemperature() throws Exception {
    Path run = copy(TinyRun.run());
    store(run, 2.5);
    Path root = dir.resolve("export");
    Path calibrated = ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "c", 1)
        .withCalibration(ProbabilityCalibration.TEMPERATURE), quiet());
    Path raw = ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "r", 1)
        .withCalibration(ProbabilityCalibration.NONE), quiet());
    int side = TinyRun.spec().inputSize();
    // At the network's own size resizing is the identity, so the served maps are the network's.
    float[] pixels = TestFiles.rawPixels(side, side, 21);
    assertScaled(probability(calibrated, pixels, side), probability(raw, pixels, side), 2.5);
    try (SavedModelBundle c = SavedModelBundle.load(calibrated.toString(), "serve");
        SavedModelBundle r = SavedModelBundle.load(raw.toString(), "serve")) {
      float[] big = TestFiles.rawPixels(45, 37, 22);
      assertThat(call(c, "serving_default", "aleatoric", big, 45, 37, 1))
          .isEqualTo(call(r, "serving_default", "aleatoric", big, 45, 37, 1));
      float[] p = call(c, "serving_default", "probability", big, 45, 37, 1);
      float[] mask = call(c, "serving_default", "mask", big, 45, 37, 1);
      for (int q = 0; q < p.length; q++) {
        assertThat(mask[q]).isEqualTo(p[q] >= 0.5f ? 1f : 0f);
      }
    }
    ModelCard card = JsonFiles.read(calibrated.resolve(ModelExporter.CARD), ModelCard.class);
    assertThat(card.temperature()).isEqualTo(2.5);
    assertThat(card.outputs().get(0).meaning()).contains("temperature");
    assertThat(JsonFiles.read(raw.resolve(ModelExporter.CARD), ModelCard.class).temperature()).isNull();
    assertThat(Calibrations.read(run).orElseThrow().temperature()).isEqualTo(2.5);
  }

  @Test
  void aMissingOrStaleFileIsFittedOnTheValidationImagesAndAFreshOneReused() throws Exception {
    Path run = copy(TinyRun.run());
    Files.deleteIfExists(run.resolve(Calibrations.FILE));
    Calibrations.Temperature fitted = Calibrations.ensure(run, CheckpointKind.BEST, quiet());
    long step = RunFolder.of(run).checkpoints().state(CheckpointKind.BEST).orElseThrow().step();
    int side = TinyRun.spec().inputSize();
    int images = TrainValidationSplit.load(run.resolve("split.json")).validation().size();
    assertThat(fitted.step()).isEqualTo(step);
    assertThat(fitted.checkpoint()).isEqualTo(CheckpointKind.BEST);
    assertThat(fitted.images()).isEqualTo(images);
    assertThat(fitted.passes()).isEqualTo(1);
    // The synthetic data keeps reference masks: one per validation image is the target.
    assertThat(fitted.targets()).isEqualTo(Calibrations.REFERENCES);
    assertThat(fitted.pixels()).isEqualTo((long) images * side * side);
    assertThat(fitted.temperature()).isAtLeast(1.0 / 20);
    assertThat(fitted.temperature()).isAtMost(20.0);
    assertThat(fitted.validationNllAfter()).isAtMost(fitted.validationNllBefore());
    assertThat(Calibrations.read(run).orElseThrow()).isEqualTo(fitted);

    // Another checkpoint at another step has other weights: refitted, deterministically.
    JsonFiles.write(run.resolve(Calibrations.FILE), new Calibrations.Temperature(CheckpointKind.BEST, step + 1, 7, 0,
        0, 0, 0, 1, 1, 1, "stale"));
    assertThat(Calibrations.ensure(run, CheckpointKind.BEST, quiet())).isEqualTo(fitted);
    // A file of the checkpoint's step is used as it is, unless it was fitted against other targets.
    store(run, 3);
    assertThat(Calibrations.ensure(run, CheckpointKind.BEST, quiet()).temperature()).isEqualTo(3.0);
    store(run, 3, Calibrations.ANNOTATIONS);
    assertThat(Calibrations.ensure(run, CheckpointKind.BEST, quiet())).isEqualTo(fitted);
  }

  @Test
  void dataWithoutReferenceMasksIsCalibratedAgainstEveryAnnotation() throws Exception {
    Path run = copy(TinyRun.run());
    Path data = dir.resolve("data");
    TestFiles.copyTree(TinyRun.data(), data);
    MoreFiles.deleteRecursively(data.resolve(ReferenceMasks.FOLDER), RecursiveDeleteOption.ALLOW_INSECURE);
    JsonObject config = JsonFiles.read(run.resolve("config.json"), JsonObject.class);
    config.addProperty("data", data.toString());
    JsonFiles.write(run.resolve("config.json"), config);
    Files.deleteIfExists(run.resolve(Calibrations.FILE));
    Calibrations.Temperature fitted = Calibrations.ensure(run, CheckpointKind.BEST, quiet());
    int side = TinyRun.spec().inputSize();
    int images = TrainValidationSplit.load(run.resolve("split.json")).validation().size();
    assertThat(fitted.targets()).isEqualTo(Calibrations.ANNOTATIONS);
    // Each pixel once per annotation; every image has at least two.
    assertThat(fitted.pixels() % (side * side)).isEqualTo(0);
    assertThat(fitted.pixels()).isAtLeast(2L * images * side * side);
  }

  @Test
  void withoutTheRunsDataACalibratedExportFailsAndWritesNothingWhileAnUncalibratedOneWorks() throws Exception {
    Path run = copy(TinyRun.run());
    Files.deleteIfExists(run.resolve(Calibrations.FILE));
    JsonObject config = JsonFiles.read(run.resolve("config.json"), JsonObject.class);
    config.addProperty("data", dir.resolve("no-such-data").toString());
    JsonFiles.write(run.resolve("config.json"), config);
    Path root = dir.resolve("export");
    IOException e = assertThrows(IOException.class, () -> ModelExporter.export(
        ExportRequest.of(run, CheckpointKind.BEST, root, "m", 1)
        .withCalibration(ProbabilityCalibration.TEMPERATURE), quiet()));
    assertThat(e.getMessage()).contains("without calibration");
    // Nothing at all: the folders made for the export go with it.
    assertThat(Files.exists(root)).isFalse();
    assertThat(Files.exists(run.resolve(Calibrations.FILE))).isFalse();
    ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "m", 1)
        .withCalibration(ProbabilityCalibration.NONE), quiet());
  }

  @Test
  void anMcDropoutExportScalesEveryPassBeforeAveraging() throws Exception {
    Path run = copy(TinyRun.run());
    // Dropout layers add no variables: the baseline's checkpoint serves as an MC-dropout network's.
    int passes = 3;
    NetworkSpec spec = TinyRun.spec().withDropout(0.3, 5, passes);
    JsonObject config = JsonFiles.read(run.resolve("config.json"), JsonObject.class);
    config.add("spec", JsonFiles.GSON.toJsonTree(spec));
    JsonFiles.write(run.resolve("config.json"), config);
    // Fitting works on pass logits too.
    Files.deleteIfExists(run.resolve(Calibrations.FILE));
    assertThat(Calibrations.fit(run, CheckpointKind.BEST, quiet()).passes()).isEqualTo(passes);
    store(run, 2.5);
    Path root = dir.resolve("export");
    Path calibrated = ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "c", 1)
        .withCalibration(ProbabilityCalibration.TEMPERATURE), quiet());
    Path raw = ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "r", 1)
        .withCalibration(ProbabilityCalibration.NONE), quiet());

    int side = spec.inputSize();
    int pixels = side * side;
    float[] image = TestFiles.rawPixels(side, side, 23);
    float[] normalised = image.clone();
    Normalization.load(run.resolve("normalization.json")).apply(normalised);
    float[] logits;
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
      LinkNet.Passes out = new LinkNet(spec).passes(new Parameters(tf, 0, ""), x,
          LinkNet.batchSize(tf, x));
      session.restore(run.resolve("checkpoints/best/model").toString());
      try (TFloat32 input = Tensors.of(normalised, Shape.of(1, side, side, 3));
          Result result = session.runner().feed(x, input).fetch(out.logit()).run()) {
        logits = Tensors.toArray((TFloat32) result.get(0));
      }
    }
    float[] served = probability(calibrated, image, side);
    float[] plain = probability(raw, image, side);
    double changed = 0;
    for (int q = 0; q < pixels; q++) {
      double scaled = 0;
      double unscaled = 0;
      for (int k = 0; k < passes; k++) {
        scaled += sigmoid(logits[k * pixels + q] / 2.5) / passes;
        unscaled += sigmoid(logits[k * pixels + q]) / passes;
      }
      assertThat((double) served[q]).isWithin(1e-5).of(scaled);
      assertThat((double) plain[q]).isWithin(1e-5).of(unscaled);
      changed = Math.max(changed, Math.abs(scaled - unscaled));
    }
    assertThat(changed).isGreaterThan(1e-3);
    assertThat(JsonFiles.read(calibrated.resolve(ModelExporter.CARD), ModelCard.class).temperature())
        .isEqualTo(2.5);
  }

  @Test
  void theFusedEnsembleCombinesItsMembersCalibrated() throws Exception {
    Path run = copy(TinyRun.ensemble());
    double[] temperatures = {2.5, 0.5, 1.7};
    for (int i = 1; i <= temperatures.length; i++) {
      store(run.resolve("members").resolve(Integer.toString(i)), temperatures[i - 1]);
    }
    Map<FusionRule, Double> ensembleTemperatures = Map.of(FusionRule.UNIFORM, 0.6, FusionRule.PIXEL_CONFIDENCE,
        1.4, FusionRule.IMAGE_CONFIDENCE, 0.9);
    Path root = dir.resolve("export");
    // "u": calibrated members, the fusion as it is; "c": the ensemble's own temperatures too.
    storeFused(run, temperatures, ensembleTemperatures);
    EnsembleExporter.Written members1 = EnsembleExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "u", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false)
        .withCalibration(ProbabilityCalibration.MEMBERS), quiet());
    EnsembleExporter.Written calibrated = EnsembleExporter.export(
        ExportRequest.of(run, CheckpointKind.BEST, root, "c", 1).withFusion(FusionRule.UNIFORM)
        .withScoreRules(false), quiet());
    EnsembleExporter.Written raw = EnsembleExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "r", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false)
        .withCalibration(ProbabilityCalibration.NONE), quiet());
    int m = calibrated.members().size();
    assertThat(m).isEqualTo(temperatures.length);
    int side = TinyRun.spec().inputSize();
    float[] pixels = TestFiles.rawPixels(side, side, 24);
    List<float[]> members = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      float[] member = probability(calibrated.members().get(i), pixels, side);
      assertScaled(member, probability(raw.members().get(i), pixels, side), temperatures[i]);
      members.add(member);
    }
    try (SavedModelBundle fused = SavedModelBundle.load(calibrated.ensemble().toString(), "serve");
        SavedModelBundle membersOnly = SavedModelBundle.load(members1.ensemble().toString(), "serve");
        SavedModelBundle plain = SavedModelBundle.load(raw.ensemble().toString(), "serve")) {
      float[] uniform = call(membersOnly, "uniform", "probability", pixels, side, side, 1);
      float[] each = call(fused, "uniform", "member_probabilities", pixels, side, side, m);
      for (int q = 0; q < uniform.length; q++) {
        double mean = 0;
        for (int i = 0; i < m; i++) {
          mean += members.get(i)[q] / (double) m;
          assertThat(each[q * m + i]).isWithin(1e-6f).of(members.get(i)[q]);
        }
        assertThat((double) uniform[q]).isWithin(1e-6).of(mean);
      }
      // Every rule: the calibrated members' fusion, then the rule's own temperature on its logit; the mask follows.
      for (FusionRule rule : FusionRule.values()) {
        float[] served = call(fused, rule.signature(), "probability", pixels, side, side, 1);
        assertScaled(served, call(membersOnly, rule.signature(), "probability", pixels, side, side, 1),
            ensembleTemperatures.get(rule));
        float[] mask = call(fused, rule.signature(), "mask", pixels, side, side, 1);
        for (int q = 0; q < served.length; q++) {
          assertThat(mask[q]).isEqualTo(served[q] >= 0.5f ? 1f : 0f);
        }
      }
      // The variances are not calibrated: the same with and without temperatures.
      float[] aleatoric = call(fused, "pixel_confidence", "aleatoric", pixels, side, side, 1);
      float[] unscaled = call(plain, "pixel_confidence", "aleatoric", pixels, side, side, 1);
      for (int q = 0; q < aleatoric.length; q++) {
        assertThat((double) aleatoric[q]).isWithin(1e-6 * unscaled[q]).of(unscaled[q]);
      }
    }
    ModelCard card = JsonFiles.read(calibrated.ensemble().resolve(ModelExporter.CARD), ModelCard.class);
    for (int i = 0; i < m; i++) {
      assertThat(card.ensemble().members().get(i).temperature()).isEqualTo(temperatures[i]);
      assertThat(JsonFiles.read(calibrated.members().get(i).resolve(ModelExporter.CARD), ModelCard.class)
          .temperature()).isEqualTo(temperatures[i]);
    }
    assertThat(card.temperature()).isNull();
    assertThat(card.ensemble().fusedTemperatures()).containsExactly("uniform", 0.6, "pixel_confidence", 1.4,
        "image_confidence", 0.9);
    assertThat(card.ensemble().calibrationTargets()).isEqualTo(Calibrations.REFERENCES);
    ModelCard plainCard = JsonFiles.read(raw.ensemble().resolve(ModelExporter.CARD), ModelCard.class);
    assertThat(plainCard.ensemble().members().get(0).temperature()).isNull();
    assertThat(plainCard.ensemble().fusedTemperatures()).isNull();
    ModelCard membersCard = JsonFiles.read(members1.ensemble().resolve(ModelExporter.CARD), ModelCard.class);
    assertThat(membersCard.ensemble().members().get(0).temperature()).isEqualTo(temperatures[0]);
    assertThat(membersCard.ensemble().fusedTemperatures()).isNull();
  }

  @Test
  void theEnsemblesTemperaturesAreFittedWhenMissingAndReusedWhileTheMembersStayTheSame() throws Exception {
    Path run = copy(TinyRun.ensemble());
    double[] temperatures = {1.5, 0.8, 1.1};
    for (int i = 1; i <= temperatures.length; i++) {
      store(run.resolve("members").resolve(Integer.toString(i)), temperatures[i - 1]);
    }
    Files.deleteIfExists(run.resolve(FusedCalibration.FILE));
    Path root = dir.resolve("export");
    EnsembleExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "a", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false), quiet());
    FusedCalibration.Temperatures fitted = JsonFiles.read(run.resolve(FusedCalibration.FILE),
        FusedCalibration.Temperatures.class);
    assertThat(fitted.memberTemperatures()).containsExactly(1.5, 0.8, 1.1).inOrder();
    assertThat(fitted.targets()).isEqualTo(Calibrations.REFERENCES);
    assertThat(fitted.images()).isEqualTo(
        TrainValidationSplit.load(run.resolve("split.json")).validation().size());
    for (FusionRule rule : FusionRule.values()) {
      FusedCalibration.Rule r = fitted.rules().get(rule.signature());
      assertThat(r.temperature()).isAtLeast(TemperatureScaling.MIN_TEMPERATURE);
      assertThat(r.temperature()).isAtMost(TemperatureScaling.MAX_TEMPERATURE);
      assertThat(r.validationNllAfter()).isAtMost(r.validationNllBefore());
    }
    // The fit is deterministic: the same members give the same temperatures, and a stored file is reused.
    Files.delete(run.resolve(FusedCalibration.FILE));
    EnsembleExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "b", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false), quiet());
    assertThat(JsonFiles.read(run.resolve(FusedCalibration.FILE), FusedCalibration.Temperatures.class))
        .isEqualTo(fitted);
    storeFused(run, temperatures, Map.of(FusionRule.UNIFORM, 3.0, FusionRule.PIXEL_CONFIDENCE, 3.0,
        FusionRule.IMAGE_CONFIDENCE, 3.0));
    EnsembleExporter.Written reused = EnsembleExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "c", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false), quiet());
    assertThat(JsonFiles.read(reused.ensemble().resolve(ModelExporter.CARD), ModelCard.class).ensemble()
        .fusedTemperatures().get("uniform")).isEqualTo(3.0);
    // A member with another temperature makes the stored fit stale.
    store(run.resolve("members/2"), 0.9);
    EnsembleExporter.export(ExportRequest.of(run, CheckpointKind.BEST, root, "d", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false), quiet());
    FusedCalibration.Temperatures refitted = JsonFiles.read(run.resolve(FusedCalibration.FILE),
        FusedCalibration.Temperatures.class);
    assertThat(refitted.memberTemperatures()).containsExactly(1.5, 0.9, 1.1).inOrder();
    assertThat(refitted.byRule().get(FusionRule.UNIFORM)).isNotEqualTo(3.0);
  }
}
