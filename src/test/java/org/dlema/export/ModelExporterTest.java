package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.Tensors;
import org.dlema.io.JsonFiles;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.dlema.train.CheckpointKind;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

class ModelExporterTest {
  @TempDir Path dir;


  private static float[] call(SavedModelBundle bundle, String output, float[] pixels, int w, int h) {
    try (TFloat32 image = Tensors.of(pixels, Shape.of(1, h, w, 3));
        Result result = bundle.function("serving_default").call(Map.of("image", image))) {
      TFloat32 tensor = (TFloat32) result.get(output).orElseThrow();
      assertThat(tensor.shape()).isEqualTo(Shape.of(1, h, w, 1));
      return Tensors.toArray(tensor);
    }
  }

  @Test
  void exportReloadsWithTheContractAndTheTrainingGraphsOutputs() throws Exception {
    Path run = TinyRun.run();
    // Uncalibrated, to compare with the training graph (CalibratedExportTest covers the temperature).
    Path version = ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, dir, "tiny", 1)
        .withCalibration(ProbabilityCalibration.NONE), EnsembleExporterTest.quiet());
    assertThat(version).isEqualTo(dir.resolve("tiny").resolve("1"));
    for (String file : new String[] {"saved_model.pb", "variables/variables.index", ModelExporter.CARD}) {
      assertThat(Files.exists(version.resolve(file))).isTrue();
    }
    RunConfig config = JsonFiles.read(run.resolve("config.json"), RunConfig.class);
    Normalization normalization = Normalization.load(run.resolve("normalization.json"));
    int side = config.spec().inputSize();
    float[] raw = TestFiles.rawPixels(side, side, 5);

    float[] expected;
    try (TrainingGraph graph = new TrainingGraph(config.spec(), config.settings())) {
      graph.restore(run.resolve("checkpoints").resolve(CheckpointKind.BEST.id()));
      float[] normalised = raw.clone();
      normalization.apply(normalised);
      expected = graph.predict(normalised, 1);
    }
    try (SavedModelBundle bundle = SavedModelBundle.load(version.toString(), "serve")) {
      SignatureDef signature = bundle.metaGraphDef().getSignatureDefOrThrow("serving_default");
      assertThat(signature.getMethodName()).isEqualTo("tensorflow/serving/predict");
      assertThat(signature.getInputsMap().keySet()).containsExactly("image");
      assertThat(signature.getOutputsMap().keySet()).containsExactly("probability", "mask", "aleatoric");
      assertThat(bundle.metaGraphDef().getMetaInfoDef().getTagsList()).containsExactly("serve");

      // At the network's own size resizing is the identity: the export must equal the training graph.
      float[] probability = call(bundle, "probability", raw, side, side);
      for (int i = 0; i < expected.length; i++) {
        assertThat((double) probability[i]).isWithin(1e-5).of(expected[i]);
      }
      // Any other size comes back at that size, with the mask the thresholded probability.
      float[] big = TestFiles.rawPixels(45, 37, 6);
      float[] p = call(bundle, "probability", big, 45, 37);
      float[] mask = call(bundle, "mask", big, 45, 37);
      for (int i = 0; i < p.length; i++) {
        assertThat(mask[i]).isEqualTo(p[i] >= 0.5f ? 1f : 0f);
      }
      float[] variance = call(bundle, "aleatoric", TestFiles.rawPixels(20, 24, 7), 20, 24);
      for (float v : variance) {
        assertThat(v).isGreaterThan(0f);
      }
    }
    ModelCard card = JsonFiles.read(version.resolve(ModelExporter.CARD), ModelCard.class);
    assertThat(card.methodName()).isEqualTo("tensorflow/serving/predict");
    assertThat(card.versions().tensorflow()).startsWith("2.");
    assertThat(card.normalization().mean()).isEqualTo(normalization.mean());
    assertThat(card.training().checkpoint()).isEqualTo(CheckpointKind.BEST);
    // The card names the checkpoint as its folder is named, as before the kind was an enum.
    assertThat(Files.readString(version.resolve(ModelExporter.CARD))).contains("\"checkpoint\": \"best\"");
    assertThat(card.temperature()).isNull();
  }

  @Test
  void versionsCountUpAndAnExistingVersionIsNeverTouched() throws Exception {
    assertThat(ModelExporter.nextVersion(dir.resolve("m"))).isEqualTo(1);
    Path first = ModelExporter.export(ExportRequest.of(TinyRun.run(), CheckpointKind.FINAL, dir, "m", 1)
        .withCalibration(ProbabilityCalibration.TEMPERATURE), TestFiles.quiet());
    assertThat(ModelExporter.nextVersion(dir.resolve("m"))).isEqualTo(2);
    byte[] before = Files.readAllBytes(first.resolve("saved_model.pb"));
    IOException e = assertThrows(IOException.class,
        () -> ModelExporter.export(ExportRequest.of(TinyRun.run(), CheckpointKind.FINAL, dir, "m", 1)
                .withCalibration(ProbabilityCalibration.TEMPERATURE), TestFiles.quiet()));
    assertThat(e.getMessage()).contains("already exists");
    assertThat(Files.readAllBytes(first.resolve("saved_model.pb"))).isEqualTo(before);
    try (var entries = Files.list(dir.resolve("m"))) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("1");
    }
  }
}
