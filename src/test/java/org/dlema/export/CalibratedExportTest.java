package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static org.dlema.export.EnsembleExporterTest.call;
import static org.dlema.export.EnsembleExporterTest.quiet;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.FusionRule;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.Tensors;
import org.dlema.io.JsonFiles;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.dlema.train.Checkpoints;
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
class CalibratedExportTest {
  @TempDir Path dir;

  /** A private copy of a shared tiny run, so that its calibration.json can be set or removed freely. */
  private Path copy(Path run) throws IOException {
    Path copy = dir.resolve("run");
    TestFiles.copyTree(run, copy);
    return copy;
  }

  private static void store(Path run, double temperature) throws IOException {
    long step = new Checkpoints(run.resolve("checkpoints")).state(Checkpoints.BEST).orElseThrow().step();
    JsonFiles.write(run.resolve(Calibrations.FILE), new Calibrations.Temperature(Checkpoints.BEST, step,
        temperature, 0, 0, 0, 0, 1, 1, 1, "set by the test"));
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
    Path calibrated = ModelExporter.export(run, Checkpoints.BEST, root, "c", 1, ProbabilityCalibration.TEMPERATURE,
        quiet());
    Path raw = ModelExporter.export(run, Checkpoints.BEST, root, "r", 1, ProbabilityCalibration.NONE, quiet());
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
    Calibrations.Temperature fitted = Calibrations.ensure(run, Checkpoints.BEST, quiet());
    long step = new Checkpoints(run.resolve("checkpoints")).state(Checkpoints.BEST).orElseThrow().step();
    int side = TinyRun.spec().inputSize();
    int images = TrainValidationSplit.load(run.resolve("split.json")).validation().size();
    assertThat(fitted.step()).isEqualTo(step);
    assertThat(fitted.checkpoint()).isEqualTo(Checkpoints.BEST);
    assertThat(fitted.images()).isEqualTo(images);
    assertThat(fitted.passes()).isEqualTo(1);
    // Every annotation of every validation image, each pixel once per annotation.
    assertThat(fitted.pixels() % (side * side)).isEqualTo(0);
    assertThat(fitted.pixels()).isAtLeast((long) images * side * side);
    assertThat(fitted.temperature()).isAtLeast(1.0 / 20);
    assertThat(fitted.temperature()).isAtMost(20.0);
    assertThat(fitted.validationNllAfter()).isAtMost(fitted.validationNllBefore());
    assertThat(Calibrations.read(run).orElseThrow()).isEqualTo(fitted);

    // Another checkpoint at another step has other weights: refitted, deterministically.
    JsonFiles.write(run.resolve(Calibrations.FILE), new Calibrations.Temperature(Checkpoints.BEST, step + 1, 7, 0,
        0, 0, 0, 1, 1, 1, "stale"));
    assertThat(Calibrations.ensure(run, Checkpoints.BEST, quiet())).isEqualTo(fitted);
    // A file of the checkpoint's step is used as it is.
    store(run, 3);
    assertThat(Calibrations.ensure(run, Checkpoints.BEST, quiet()).temperature()).isEqualTo(3.0);
  }

  @Test
  void withoutTheRunsDataACalibratedExportFailsAndWritesNothingWhileAnUncalibratedOneWorks() throws Exception {
    Path run = copy(TinyRun.run());
    Files.deleteIfExists(run.resolve(Calibrations.FILE));
    JsonObject config = JsonFiles.read(run.resolve("config.json"), JsonObject.class);
    config.addProperty("data", dir.resolve("no-such-data").toString());
    JsonFiles.write(run.resolve("config.json"), config);
    Path root = dir.resolve("export");
    IOException e = assertThrows(IOException.class, () -> ModelExporter.export(run, Checkpoints.BEST, root, "m", 1,
        ProbabilityCalibration.TEMPERATURE, quiet()));
    assertThat(e.getMessage()).contains("without calibration");
    try (Stream<Path> left = Files.walk(root)) {
      assertThat(left.filter(p -> p.getFileName().toString().matches("\\d+")).toList()).isEmpty();
    }
    assertThat(Files.exists(run.resolve(Calibrations.FILE))).isFalse();
    ModelExporter.export(run, Checkpoints.BEST, root, "m", 1, ProbabilityCalibration.NONE, quiet());
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
    assertThat(Calibrations.fit(run, Checkpoints.BEST, quiet()).passes()).isEqualTo(passes);
    store(run, 2.5);
    Path root = dir.resolve("export");
    Path calibrated = ModelExporter.export(run, Checkpoints.BEST, root, "c", 1, ProbabilityCalibration.TEMPERATURE,
        quiet());
    Path raw = ModelExporter.export(run, Checkpoints.BEST, root, "r", 1, ProbabilityCalibration.NONE, quiet());

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
    Path root = dir.resolve("export");
    EnsembleExporter.Written calibrated = EnsembleExporter.export(run, Checkpoints.BEST, root, "c", 1,
        FusionRule.UNIFORM, false, ProbabilityCalibration.TEMPERATURE, quiet());
    EnsembleExporter.Written raw = EnsembleExporter.export(run, Checkpoints.BEST, root, "r", 1, FusionRule.UNIFORM,
        false, ProbabilityCalibration.NONE, quiet());
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
        SavedModelBundle plain = SavedModelBundle.load(raw.ensemble().toString(), "serve")) {
      float[] uniform = call(fused, "uniform", "probability", pixels, side, side, 1);
      float[] each = call(fused, "uniform", "member_probabilities", pixels, side, side, m);
      for (int q = 0; q < uniform.length; q++) {
        double mean = 0;
        for (int i = 0; i < m; i++) {
          mean += members.get(i)[q] / (double) m;
          assertThat(each[q * m + i]).isWithin(1e-6f).of(members.get(i)[q]);
        }
        assertThat((double) uniform[q]).isWithin(1e-6).of(mean);
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
    assertThat(JsonFiles.read(raw.ensemble().resolve(ModelExporter.CARD), ModelCard.class).ensemble().members()
        .get(0).temperature()).isNull();
  }
}
