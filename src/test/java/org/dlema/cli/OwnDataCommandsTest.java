package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dlema.testing.TinyRun;
import org.dlema.train.EnsembleRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user's own multi-annotator data meets on the command line: grouped splits, the several-annotator scores,
 * a model's base path, near misses that point at the right argument, and values that would break job scripts.
 */
class OwnDataCommandsTest {
  @TempDir Path dir;

  private static Set<String> groups(Path manifest) throws Exception {
    Set<String> groups = new HashSet<>();
    for (String line : Files.readAllLines(manifest).subList(1, Files.readAllLines(manifest).size())) {
      String image = Path.of(line.split(",")[0]).getFileName().toString();
      groups.add(image.substring(0, "synth_000".length()));
    }
    return groups;
  }

  @Test
  void groupedSplitKeepsEachGroupOnOneSide() throws Exception {
    Path out = dir.resolve("split");
    // synth_0000..synth_0011: groups synth_000 (10 images) and synth_001 (2).
    CliRunner.Outcome split = CliRunner.run("data", "split", "--data", TinyRun.data().toString(), "--out",
        out.toString(), "--test-fraction", "0.2", "--group-by", "^(synth_\\d{3})");
    assertThat(split.exitCode()).isEqualTo(0);
    assertThat(split.out()).contains("groups kept whole by '^(synth_\\d{3})'");
    Set<String> train = groups(out.resolve("train.csv"));
    train.retainAll(groups(out.resolve("test.csv")));
    assertThat(train).isEmpty();
    JsonObject recorded = JsonParser.parseString(Files.readString(out.resolve("split.json"))).getAsJsonObject();
    assertThat(recorded.get("groupBy").getAsString()).isEqualTo("^(synth_\\d{3})");

    assertThat(CliRunner.refusal(CliRunner.run("data", "split", "--data", TinyRun.data().toString(), "--out",
        dir.resolve("bad").toString(), "--group-by", "(unclosed"), 2)).contains("--group-by");
    assertThat(CliRunner.refusal(CliRunner.run("data", "split", "--data", TinyRun.data().toString(), "--out",
        dir.resolve("none").toString(), "--group-by", "^L(\\d+)_"), 1)).contains("synth_0000");
    assertThat(Files.exists(dir.resolve("bad"))).isFalse();
    assertThat(Files.exists(dir.resolve("none"))).isFalse();
  }

  @Test
  void evaluatePrintsTheSeveralAnnotatorTableAndABasePathPicksItsHighestVersion() throws Exception {
    Path export = dir.resolve("export");
    assertThat(CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", export.toString(), "--name",
        "tiny").exitCode()).isEqualTo(0);
    assertThat(CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", export.toString(), "--name",
        "tiny").exitCode()).isEqualTo(0);
    // A path with a ".." in it, so that the closing line shows whether --out is named as given.
    Path out = Files.createDirectories(dir.resolve("x")).resolve("../evaluation");
    CliRunner.Outcome evaluated = CliRunner.run("evaluate", "--model", export.resolve("tiny").toString(), "--data",
        TinyRun.data().toString(), "--out", out.toString(), "--examples", "0");
    assertThat(evaluated.exitCode()).isEqualTo(0);
    assertThat(evaluated.err()).contains("using version 2 of");
    assertThat(evaluated.out()).contains("### Several annotators: data");
    assertThat(evaluated.out()).contains("GED²");
    // Synthetic lesions leave no reference empty: no column of a share over no images (it was NaN).
    assertThat(evaluated.out()).contains("(no reference is empty)");
    assertThat(evaluated.out()).doesNotContain("NaN");
    assertThat(evaluated.out()).contains("wrote " + out + System.lineSeparator());
    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("evaluation.json"))).getAsJsonObject();
    JsonObject row = json.getAsJsonArray("annotators").get(0).getAsJsonObject();
    double ged = row.get("ged").getAsDouble();
    assertThat(ged).isAtLeast(0.0);
    assertThat(ged).isAtMost(2.0);
    assertThat(row.get("softExpectedCalibrationError").getAsDouble()).isAtLeast(0.0);

    Path pictures = dir.resolve("pred");
    CliRunner.Outcome predicted = CliRunner.run("predict", "--model", export.resolve("tiny").toString(), "--input",
        TinyRun.data().toString(), "--out", pictures.toString());
    assertThat(predicted.exitCode()).isEqualTo(0);
    assertThat(predicted.err()).contains("using version 2 of");
    // The dataset folder's images, not its masks, were segmented: one row per image.
    long images;
    try (var files = Files.list(TinyRun.data().resolve("images"))) {
      images = files.count();
    }
    assertThat(Files.readAllLines(pictures.resolve("predictions.csv"))).hasSize((int) images + 1);
    // Staged out of sight and moved in at the end: nothing hidden is left behind.
    try (var left = Files.list(pictures)) {
      assertThat(left.filter(f -> f.getFileName().toString().startsWith(".")).toList()).isEmpty();
    }
    // Fixed scales: a map's colour is a function of its value alone, the same in every image (not its maximum).
    for (String bar : org.dlema.eval.PredictionPictures.colourBarNames()) {
      assertThat(Files.isRegularFile(pictures.resolve(bar))).isTrue();
    }
  }

  @Test
  void evaluatingAnEnsembleRunSaysWhatItExportsWithoutScratchNamesOrAChoiceNobodyMade() throws Exception {
    CliRunner.Outcome evaluated = CliRunner.run("evaluate", "--run", TinyRun.ensemble().toString(), "--data",
        TinyRun.data().toString(), "--out", dir.resolve("ens-eval").toString(), "--examples", "0");
    assertThat(evaluated.exitCode()).isEqualTo(0);
    assertThat(evaluated.err()).contains("best checkpoint for evaluation (members fused by the uniform rule");
    assertThat(evaluated.err()).doesNotContain("chosen by the user");
    assertThat(evaluated.err()).doesNotContain("model-member-1");
  }

  @Test
  void anEnsembleExportPrintsEveryRulesScoreAndItsCardGivesNoStepOfItsOwn() throws Exception {
    Path export = dir.resolve("ens-export");
    CliRunner.Outcome exported = CliRunner.run("export", "--run", TinyRun.ensemble().toString(), "--out",
        export.toString(), "--name", "ens");
    assertThat(exported.exitCode()).isEqualTo(0);
    assertThat(exported.out() + exported.err()).containsMatch("fusion rules on the validation images: uniform "
        + "[0-9.]+%[^,]*, pixel_confidence [0-9.]+%[^,]*, image_confidence [0-9.]+%");
    // Three validation images are too few to choose a rule by: the plain mean, with a warning that says so.
    assertThat(exported.err()).contains("warning: " + TinyRun.ensemble() + ": the plain mean: 3 validation images, "
        + "fewer than 20, are too few to choose a rule by");
    assertThat(exported.out()).contains("(serving_default = uniform)");
    JsonObject card = JsonParser.parseString(Files.readString(export.resolve("ens/1/assets.extra/model_card.json")))
        .getAsJsonObject();
    assertThat(card.getAsJsonObject("training").has("step")).isFalse();
    assertThat(card.getAsJsonObject("ensemble").getAsJsonArray("members").get(0).getAsJsonObject().get("step")
        .getAsLong()).isGreaterThan(0L);
  }

  @Test
  void aRunWithTooFewValidationImagesIsExportedUncalibratedUnlessAsked() throws Exception {
    Path export = dir.resolve("few");
    CliRunner.Outcome plain = CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", export.toString(),
        "--name", "m");
    assertThat(plain.exitCode()).isEqualTo(0);
    assertThat(plain.err()).contains("has 3 validation images, fewer than 20: exported without temperature "
        + "scaling");
    JsonObject card = JsonParser.parseString(Files.readString(export.resolve("m/1/assets.extra/model_card.json")))
        .getAsJsonObject();
    assertThat(card.has("temperature")).isFalse();
    CliRunner.Outcome asked = CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", export.toString(),
        "--name", "m", "--calibration", "temperature");
    assertThat(asked.exitCode()).isEqualTo(0);
    assertThat(asked.err()).doesNotContain("exported without temperature scaling");
    JsonObject calibrated = JsonParser.parseString(Files.readString(
        export.resolve("m/2/assets.extra/model_card.json"))).getAsJsonObject();
    assertThat(calibrated.get("temperature").getAsDouble()).isGreaterThan(0.0);
  }

  @Test
  void evaluateRefusesALinkToNothingBeforeExportingAnything() throws Exception {
    Path dangling = Files.createSymbolicLink(dir.resolve("gone"), dir.resolve("nowhere"));
    CliRunner.Outcome refused = CliRunner.run("evaluate", "--run", TinyRun.run().toString(), "--data",
        TinyRun.data().toString(), "--out", dangling.toString());
    assertThat(CliRunner.refusal(refused, 1)).contains("is a symbolic link to");
    assertThat(refused.err()).doesNotContain("exporting");
    assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
  }

  @Test
  void aMemberFolderGivenToWeightsPointsAtTheEnsemble() {
    Path member = EnsembleRun.member(TinyRun.ensemble(), 1);
    String line = CliRunner.refusal(CliRunner.run("weights", "--run", member.toString()), 1);
    assertThat(line).contains("one member of the ensemble run");
    assertThat(line).contains(TinyRun.ensemble().toAbsolutePath().normalize().toString());
  }

  @Test
  void aLineBreakInAJobValueIsRefusedBeforeAnythingIsWritten() {
    Path out = dir.resolve("slurm");
    String line = CliRunner.refusal(CliRunner.run("cluster", "slurm", "--run", dir.resolve("r").toString(), "--data",
        TinyRun.data().toString(), "--partition", "gpu\ntouch pwned", "--out", out.toString(), "--", "--members",
        "2"), 1);
    assertThat(line).contains("the partition holds a control character");
    assertThat(Files.exists(out)).isFalse();
    String k8s = CliRunner.refusal(CliRunner.run("cluster", "k8s", "--run", "runs/r", "--data", "data\nx", "--out",
        dir.resolve("k8s").toString(), "--", "--members", "2"), 1);
    assertThat(k8s).contains("the data holds a control character");
    assertThat(Files.exists(dir.resolve("k8s"))).isFalse();
  }

  @Test
  void aSecondWriterIsRefusedAndARunStoppedBeforeItsFirstCheckpointIsReplaced() throws Exception {
    Path run = dir.resolve("run");
    List<String> train = List.of("train", "--data", TinyRun.data().toString(), "--spec", "tiny", "--batch", "2",
        "--validate-every", "100000", "--checkpoint-every", "100000", "--out", run.toString());
    List<String> first = new java.util.ArrayList<>(List.of("bash", Path.of("dlema").toAbsolutePath().toString()));
    first.addAll(train);
    first.addAll(List.of("--steps", "100000"));
    ProcessBuilder builder = new ProcessBuilder(first).redirectErrorStream(true)
        .redirectOutput(dir.resolve("first.log").toFile());
    builder.environment().put("DLEMA_CLASSPATH", System.getProperty("java.class.path"));
    Process training = builder.start();
    try {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!Files.isRegularFile(run.resolve("metrics.jsonl")) && System.nanoTime() < deadline) {
        assertThat(training.isAlive()).isTrue();
        Thread.sleep(200);
      }
      List<String> second = new java.util.ArrayList<>(train);
      second.addAll(List.of("--steps", "3", "--lr", "0.01"));
      assertThat(CliRunner.refusal(CliRunner.run(second.toArray(String[]::new)), 1))
          .contains("is being trained by another process");
      assertThat(CliRunner.refusal(CliRunner.run("train", "--resume", "--out", run.toString()), 1))
          .contains("is being trained by another process");
      assertThat(training.isAlive()).isTrue();
    } finally {
      // Killed as a Ctrl-C or a lost node would stop it: no checkpoint yet, nothing cleaned up.
      training.destroyForcibly().waitFor();
    }
    assertThat(Files.exists(run.resolve("checkpoints/latest"))).isFalse();
    List<String> again = new java.util.ArrayList<>(train);
    again.addAll(List.of("--steps", "2"));
    CliRunner.Outcome restarted = CliRunner.run(again.toArray(String[]::new));
    assertThat(restarted.exitCode()).isEqualTo(0);
    assertThat(restarted.err()).contains("replacing the run in " + run + ", which stopped before its first checkpoint");
    assertThat(restarted.out()).contains("done: 2 steps");
  }

  @Test
  void predictNeverWritesOverItsInputs() throws Exception {
    Path folder = dir.resolve("inputs");
    Files.createDirectories(folder);
    Path image;
    try (var images = Files.list(TinyRun.data().resolve("images"))) {
      image = images.sorted().findFirst().orElseThrow();
    }
    Files.copy(image, folder.resolve("b.png"));
    Files.copy(image, folder.resolve("b_mask.png"));
    byte[] before = Files.readAllBytes(folder.resolve("b_mask.png"));
    Path export = dir.resolve("export");
    assertThat(CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", export.toString(), "--name",
        "tiny").exitCode()).isEqualTo(0);
    String line = CliRunner.refusal(CliRunner.run("predict", "--model", export.resolve("tiny/1").toString(), "--input",
        folder.toString(), "--out", folder.toString()), 1);
    assertThat(line).contains("b_mask.png is one of the input images");
    assertThat(Files.readAllBytes(folder.resolve("b_mask.png"))).isEqualTo(before);
    try (var files = Files.list(folder)) {
      assertThat(files.count()).isEqualTo(2);
    }
  }

  @Test
  void cropKeepsTheCentreOfImagesMasksAndReferencesAtTheirResolution() throws Exception {
    Path out = dir.resolve("crop");
    CliRunner.Outcome cropped = CliRunner.run("data", "crop", "--data", TinyRun.data().toString(), "--out",
        out.toString(), "--size", "16");
    assertThat(cropped.exitCode()).isEqualTo(0);
    Path original;
    try (var images = Files.list(TinyRun.data().resolve("images"))) {
      original = images.sorted().findFirst().orElseThrow();
    }
    String id = original.getFileName().toString().replace(".png", "");
    java.awt.image.BufferedImage big = javax.imageio.ImageIO.read(original.toFile());
    java.awt.image.BufferedImage small = javax.imageio.ImageIO.read(out.resolve("images/" + id + ".png").toFile());
    assertThat(small.getWidth()).isEqualTo(16);
    // 48 pixels wide: the crop starts at 16.
    for (int y = 0; y < 16; y += 5) {
      for (int x = 0; x < 16; x += 5) {
        assertThat(small.getRGB(x, y) & 0xffffff).isEqualTo(big.getRGB(16 + x, 16 + y) & 0xffffff);
      }
    }
    assertThat(Files.isRegularFile(out.resolve("reference/" + id + "_reference.png"))).isTrue();
    assertThat(CliRunner.run("data", "inspect", out.toString()).exitCode()).isEqualTo(0);
    assertThat(CliRunner.refusal(CliRunner.run("data", "crop", "--data", TinyRun.data().toString(), "--out",
        dir.resolve("big").toString(), "--size", "64"), 1)).contains("smaller than the 64x64 crop");
    assertThat(Files.exists(dir.resolve("big"))).isFalse();
  }
}
