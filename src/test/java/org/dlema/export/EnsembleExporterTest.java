package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dlema.graph.FusionRule;
import org.dlema.graph.Tensors;
import org.dlema.io.JsonFiles;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.dlema.train.CheckpointKind;
import org.dlema.train.RunConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

@Tag("slow")
class EnsembleExporterTest {
  static final int MEMBERS = 3;

  @TempDir Path dir;

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }


  static float[] call(SavedModelBundle bundle, String signature, String output, float[] pixels, int w, int h,
      int channels) {
    try (TFloat32 image = Tensors.of(pixels, Shape.of(1, h, w, 3));
        Result result = bundle.function(signature).call(Map.of("image", image))) {
      TFloat32 tensor = (TFloat32) result.get(output).orElseThrow();
      assertThat(tensor.shape()).isEqualTo(Shape.of(1, h, w, channels));
      return Tensors.toArray(tensor);
    }
  }

  @Test
  void writesMembersTheFusedModelItsSignaturesCardAndServingConfig() throws Exception {
    EnsembleExporter.Written written = EnsembleExporter.export(
        ExportRequest.of(TinyRun.ensemble(), CheckpointKind.BEST, dir, "tiny", 1), quiet());
    assertThat(written.ensemble()).isEqualTo(dir.resolve("tiny/1"));
    int m = written.members().size();
    assertThat(m).isEqualTo(MEMBERS);
    for (int i = 1; i <= m; i++) {
      assertThat(written.members().get(i - 1)).isEqualTo(dir.resolve("tiny-member-" + i + "/1"));
      assertThat(ServingConfig.models(dir)).contains("tiny-member-" + i);
    }
    assertThat(ServingConfig.models(dir)).hasSize(m + 1);
    String config = Files.readString(dir.resolve(ServingConfig.FILE));
    assertThat(config).contains("name: \"tiny-member-2\"");
    assertThat(config).contains("base_path: \"/models/tiny\"");

    ModelCard card = JsonFiles.read(written.ensemble().resolve(ModelExporter.CARD), ModelCard.class);
    assertThat(card.ensemble().defaultFusion()).isEqualTo(written.defaultRule().signature());
    assertThat(card.ensemble().validationJaccard().keySet())
        .containsExactly("uniform", "pixel_confidence", "image_confidence");
    assertThat(card.ensemble().members()).hasSize(m);
    assertThat(card.outputs().stream().map(ModelCard.Tensor::name).toList())
        .containsExactly("probability", "mask", "aleatoric", "epistemic", "member_probabilities", "mask_png_bytes",
            "probability_png_bytes");
    // The tiny run validates on 3 images, too few to choose a rule by: the default is the plain mean, and says why
    // (with 20 or more images it is the rule that scored best, FusionValidationTest).
    assertThat(card.ensemble().defaultFusion()).isEqualTo("uniform");
    assertThat(card.ensemble().chosenBy()).isEqualTo("the plain mean: 3 validation images, fewer than 20, are too "
        + "few to choose a rule by");

    try (SavedModelBundle bundle = SavedModelBundle.load(written.ensemble().toString(), "serve")) {
      Map<String, SignatureDef> signatures = bundle.metaGraphDef().getSignatureDefMap();
      assertThat(signatures.keySet()).containsExactly("serving_default", "uniform", "pixel_confidence",
          "image_confidence", "image_bytes");
      for (var entry : signatures.entrySet()) {
        SignatureDef signature = entry.getValue();
        assertThat(signature.getMethodName()).isEqualTo("tensorflow/serving/predict");
        if (entry.getKey().equals("image_bytes")) {
          assertThat(signature.getInputsMap().keySet()).containsExactly("image_bytes");
          assertThat(signature.getOutputsMap().keySet()).containsExactly("probability", "mask", "aleatoric",
              "epistemic", "member_probabilities", "mask_png_bytes", "probability_png_bytes");
        } else {
          assertThat(signature.getInputsMap().keySet()).containsExactly("image");
          assertThat(signature.getOutputsMap().keySet()).containsExactly("probability", "mask", "aleatoric",
              "epistemic", "member_probabilities");
        }
      }
      float[] raw = TestFiles.rawPixels(41, 29, 3);
      assertThat(call(bundle, "serving_default", "probability", raw, 41, 29, 1))
          .isEqualTo(call(bundle, written.defaultRule().signature(), "probability", raw, 41, 29, 1));
      assertThat(call(bundle, "uniform", "member_probabilities", raw, 41, 29, m)).hasLength(41 * 29 * m);
    }
  }

  @Test
  void uniformDefaultIsTheAverageOfTheMemberExportsAndConfidenceRulesMatchAPlainJavaFusion() throws Exception {
    // As trained: the fusion itself (CalibratedExportTest checks the temperatures on top of it).
    EnsembleExporter.Written written = EnsembleExporter.export(
        ExportRequest.of(TinyRun.ensemble(), CheckpointKind.FINAL, dir, "e", 1)
        .withFusion(FusionRule.UNIFORM)
        .withScoreRules(false)
        .withCalibration(ProbabilityCalibration.NONE), quiet());
    int side = TinyRun.spec().inputSize();
    int m = written.members().size();
    List<SavedModelBundle> members = new ArrayList<>();
    try (SavedModelBundle fused = SavedModelBundle.load(written.ensemble().toString(), "serve")) {
      for (Path member : written.members()) {
        members.add(SavedModelBundle.load(member.toString(), "serve"));
      }
      // Any input size: the fused probability equals the average of what the member models serve.
      for (int[] size : new int[][] {{side, side}, {57, 43}, {20, 26}}) {
        float[] raw = TestFiles.rawPixels(size[0], size[1], size[0]);
        float[] p = call(fused, "serving_default", "probability", raw, size[0], size[1], 1);
        double[] average = new double[p.length];
        for (SavedModelBundle member : members) {
          float[] pi = call(member, "serving_default", "probability", raw, size[0], size[1], 1);
          for (int q = 0; q < p.length; q++) {
            average[q] += pi[q] / (double) m;
          }
        }
        for (int q = 0; q < p.length; q++) {
          assertThat((double) p[q]).isWithin(1e-6).of(average[q]);
        }
      }
      // At the network's size resizing is the identity, so every rule can be recomputed from the members' maps.
      float[] raw = TestFiles.rawPixels(side, side, 99);
      float[][] p = new float[m][];
      float[][] v = new float[m][];
      double[] imageVariance = new double[m];
      for (int i = 0; i < m; i++) {
        p[i] = call(members.get(i), "serving_default", "probability", raw, side, side, 1);
        v[i] = call(members.get(i), "serving_default", "aleatoric", raw, side, side, 1);
        imageVariance[i] = mean(v[i]);
      }
      float[] pixel = call(fused, "pixel_confidence", "probability", raw, side, side, 1);
      float[] image = call(fused, "image_confidence", "probability", raw, side, side, 1);
      float[] epistemic = call(fused, "pixel_confidence", "epistemic", raw, side, side, 1);
      float[] aleatoric = call(fused, "pixel_confidence", "aleatoric", raw, side, side, 1);
      float[] all = call(fused, "image_confidence", "member_probabilities", raw, side, side, m);
      for (int q = 0; q < pixel.length; q++) {
        double pixelTotal = 0;
        double imageTotal = 0;
        double average = 0;
        for (int i = 0; i < m; i++) {
          pixelTotal += 1 / v[i][q];
          imageTotal += 1 / imageVariance[i];
          average += p[i][q] / m;
          assertThat(all[m * q + i]).isWithin(1e-6f).of(p[i][q]);
        }
        double pixelFused = 0;
        double imageFused = 0;
        double variance = 0;
        double spread = 0;
        for (int i = 0; i < m; i++) {
          double a = (1 / v[i][q]) / pixelTotal;
          pixelFused += a * p[i][q];
          variance += a * v[i][q];
          imageFused += (1 / imageVariance[i]) / imageTotal * p[i][q];
          spread += (p[i][q] - average) * (p[i][q] - average) / m;
        }
        assertThat((double) pixel[q]).isWithin(1e-5).of(pixelFused);
        assertThat((double) aleatoric[q]).isWithin(1e-5 * variance).of(variance);
        assertThat((double) image[q]).isWithin(1e-5).of(imageFused);
        assertThat((double) epistemic[q]).isWithin(1e-6).of(spread);
      }
    } finally {
      members.forEach(SavedModelBundle::close);
    }
    ModelCard card = JsonFiles.read(written.ensemble().resolve(ModelExporter.CARD), ModelCard.class);
    assertThat(card.ensemble().chosenBy()).isEqualTo("chosen by the user");
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  @Test
  void aFailureMidwayLeavesNoVersionFolderOfAnyModel() throws Exception {
    // A copy of the ensemble whose training data is gone: the members are exported into staging, then choosing
    // the fusion on validation fails.
    Path run = dir.resolve("run");
    TestFiles.copyTree(TinyRun.ensemble(), run);
    Path file = run.resolve("config.json");
    RunConfig c = JsonFiles.read(file, RunConfig.class);
    JsonFiles.write(file, new RunConfig(c.method(), dir.resolve("no-such-data"), c.dataFingerprint(), c.spec(),
        c.settings(), c.versions(), c.ensemble(), c.member()));
    for (int i = 1; i <= MEMBERS; i++) {
      // Each member's own config names the data too (calibration reads it from there).
      Path member = run.resolve("members/" + i);
      JsonObject memberConfig = JsonFiles.read(member.resolve("config.json"), JsonObject.class);
      memberConfig.addProperty("data", dir.resolve("no-such-data").toString());
      JsonFiles.write(member.resolve("config.json"), memberConfig);
      Files.deleteIfExists(member.resolve(Calibrations.FILE));
    }
    Path root = dir.resolve("export");
    // Calibration needs the validation images too, even with the rule given.
    IOException e = assertThrows(IOException.class, () -> EnsembleExporter.export(
        ExportRequest.of(run, CheckpointKind.BEST, root, "gone", 1)
        .withFusion(FusionRule.PIXEL_CONFIDENCE), quiet()));
    assertThat(e.getMessage()).contains("without calibration");
    e = assertThrows(IOException.class, () -> EnsembleExporter.export(
        ExportRequest.of(run, CheckpointKind.BEST, root, "gone", 1)
        .withCalibration(ProbabilityCalibration.NONE), quiet()));
    assertThat(e.getMessage()).contains("choose the default rule explicitly");
    try (Stream<Path> left = Files.walk(root)) {
      assertThat(left.filter(p -> !p.equals(root)).toList()).isEmpty();
    }
    // Uncalibrated with the rule given, the same export succeeds (without validation scores).
    EnsembleExporter.Written written = EnsembleExporter.export(
        ExportRequest.of(run, CheckpointKind.BEST, root, "gone", 1).withFusion(FusionRule.PIXEL_CONFIDENCE)
        .withCalibration(ProbabilityCalibration.NONE), quiet());
    assertThat(JsonFiles.read(written.ensemble().resolve(ModelExporter.CARD), ModelCard.class).ensemble()
        .validationJaccard()).isNull();
    // An existing version is never touched, and nothing else is written then either.
    assertThrows(IOException.class, () -> EnsembleExporter.export(
        ExportRequest.of(run, CheckpointKind.BEST, root, "gone", 1)
        .withFusion(FusionRule.UNIFORM)
        .withCalibration(ProbabilityCalibration.NONE), quiet()));
    assertThat(EnsembleExporter.nextVersion(root, "gone", MEMBERS)).isEqualTo(2);
  }
}
