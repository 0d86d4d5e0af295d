package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.dlema.graph.NoiseDraw;
import org.dlema.testing.TinyRun;
import org.dlema.train.RunConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class ModelCommandsTest {
  @TempDir Path dir;

  @Test
  void trainExportPredictFromTheCommandLine() throws Exception {
    Path run = dir.resolve("runs/cli");
    CliRunner.Outcome train = CliRunner.run("train", "--method", "baseline", "--data", TinyRun.data().toString(),
        "--spec", "tiny", "--steps", "2", "--batch", "2", "--lr", "0.01", "--out", run.toString());
    assertThat(train.exitCode()).isEqualTo(0);
    assertThat(train.out()).contains("done: 2 steps");

    CliRunner.Outcome again = CliRunner.run("train", "--data", TinyRun.data().toString(), "--spec", "tiny",
        "--steps", "2", "--out", run.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("pass --resume");

    CliRunner.Outcome more = CliRunner.run("train", "--resume", "--out", run.toString(), "--steps", "3");
    assertThat(more.exitCode()).isEqualTo(0);
    assertThat(more.err()).contains("resuming at step 2 of 3");

    Path export = dir.resolve("export");
    CliRunner.Outcome exported = CliRunner.run("export", "--run", run.toString(), "--out", export.toString());
    assertThat(exported.exitCode()).isEqualTo(0);
    assertThat(Files.isRegularFile(export.resolve("cli/1/saved_model.pb"))).isTrue();

    Path image;
    try (var images = Files.list(TinyRun.data().resolve("images"))) {
      image = images.sorted().findFirst().orElseThrow();
    }
    Path out = dir.resolve("pred");
    CliRunner.Outcome predicted = CliRunner.run("predict", "--model", export.resolve("cli/1").toString(), "--input",
        image.toString(), "--out", out.toString());
    assertThat(predicted.exitCode()).isEqualTo(0);
    String id = image.getFileName().toString().replace(".png", "");
    for (String suffix : new String[] {"_mask.png", "_probability.png", "_aleatoric.png", "_overlay.png"}) {
      BufferedImage picture = ImageIO.read(out.resolve(id + suffix).toFile());
      assertThat(picture.getWidth()).isEqualTo(48);
      assertThat(picture.getHeight()).isEqualTo(48);
    }
    assertThat(Files.readAllLines(out.resolve("predictions.csv"))).hasSize(2);
  }

  @Test
  void weightAveragingAndSharedNoiseFromTheCommandLine() throws Exception {
    Path run = dir.resolve("runs/ema");
    CliRunner.Outcome train = CliRunner.run("train", "--method", "baseline", "--data", TinyRun.data().toString(),
        "--spec", "tiny", "--steps", "3", "--batch", "2", "--lr", "0.01", "--ema", "0.9", "--mc-noise", "shared",
        "--out", run.toString());
    assertThat(train.exitCode()).isEqualTo(0);
    assertThat(RunConfig.read(run).settings().averageDecay()).isEqualTo(0.9);
    assertThat(RunConfig.read(run).settings().noiseDraw()).isEqualTo(NoiseDraw.SHARED);
    // 0.9^3 of the initial weights are left in the average after 3 steps.
    assertThat(train.err()).contains("the initial weights are still 73% of the final average");
    CliRunner.Outcome exported = CliRunner.run("export", "--run", run.toString(), "--out",
        dir.resolve("export").toString());
    assertThat(exported.exitCode()).isEqualTo(0);
    CliRunner.Outcome refused = CliRunner.run("train", "--data", TinyRun.data().toString(), "--spec", "tiny",
        "--ema", "1", "--out", dir.resolve("x").toString());
    assertThat(refused.exitCode()).isNotEqualTo(0);
    assertThat(refused.err()).contains("--ema");
    CliRunner.Outcome badNoise = CliRunner.run("train", "--data", TinyRun.data().toString(), "--spec", "tiny",
        "--mc-noise", "once", "--out", dir.resolve("y").toString());
    assertThat(badNoise.exitCode()).isNotEqualTo(0);
    assertThat(badNoise.err()).contains("--mc-noise");
  }

  @Test
  void badModelUsage() {
    assertThat(CliRunner.run("train", "--method", "magic", "--data", "x").err())
        .contains("--method must be one of baseline, dlema, less-is-more, staple, mc-dropout, got 'magic'");
    assertThat(CliRunner.run("train", "--data", "x", "--spec", "nonesuch").err()).contains("no such spec");
    CliRunner.Outcome notRun = CliRunner.run("export", "--run", dir.toString());
    assertThat(notRun.exitCode()).isEqualTo(1);
    assertThat(notRun.err()).contains("config.json");
    CliRunner.Outcome notModel = CliRunner.run("predict", "--model", dir.toString(), "--input", "x", "--out", "y");
    assertThat(notModel.exitCode()).isEqualTo(1);
    assertThat(notModel.err()).contains("not a SavedModel folder");
  }

  @Test
  void dlemaEnsembleMembersTrainAloneAndResume() throws Exception {
    Path run = dir.resolve("runs/ensemble");
    String data = TinyRun.data().toString();
    CliRunner.Outcome second = CliRunner.run("train", "--method", "dlema", "--data", data, "--spec", "tiny",
        "--steps", "2", "--batch", "2", "--clean-batch", "2", "--member", "2", "--out", run.toString());
    assertThat(second.exitCode()).isEqualTo(0);
    // Progress on standard error, the member's result on standard output.
    assertThat(second.err()).contains("member 2 of");
    assertThat(second.out()).contains("member 2 done: 2 steps");
    assertThat(Files.exists(run.resolve("partition.json"))).isTrue();
    assertThat(Files.exists(run.resolve("members/2/checkpoints/final/state.json"))).isTrue();
    assertThat(Files.exists(run.resolve("members/1"))).isFalse();
    assertThat(Files.exists(run.resolve("members/2/weights/index.json"))).isTrue();

    // The other members from the same shared files, as another machine would; member 2 is left alone.
    CliRunner.Outcome rest = CliRunner.run("train", "--resume", "--out", run.toString());
    assertThat(rest.exitCode()).isEqualTo(0);
    assertThat(rest.err()).contains("member 1 of");
    assertThat(rest.err()).contains("member 2: finished (2 steps)");
    // One line per member, named, then the ensemble's with every member's best score and the time.
    assertThat(rest.out()).containsMatch("(?m)^member 1 done: 2 steps");
    assertThat(rest.out()).containsMatch("(?m)^ensemble done: \\d+ members, best validation Jaccard [0-9.]+%.*, "
        + "[0-9.]+ min; ");
    assertThat(Files.exists(run.resolve("members/1/checkpoints/final/state.json"))).isTrue();

    // A member exports like any single network.
    CliRunner.Outcome exported = CliRunner.run("export", "--run", run.resolve("members/1").toString(), "--out",
        dir.resolve("export").toString(), "--name", "member-1");
    assertThat(exported.exitCode()).isEqualTo(0);

    // The Figure 3/4 panel: a row per member; three columns per annotation beside the image and trusted mask.
    Path panel = dir.resolve("panel.png");
    CliRunner.Outcome weights = CliRunner.run("weights", "--run", run.toString(), "--out", panel.toString());
    assertThat(weights.exitCode()).isEqualTo(0);
    BufferedImage picture = ImageIO.read(panel.toFile());
    assertThat(picture.getWidth() % 128).isEqualTo(0);
    assertThat(picture.getWidth() / 128 % 3).isEqualTo(2);
    assertThat(CliRunner.run("weights", "--run", run.toString(), "--image", "nope").err())
        .contains("no weight maps for image 'nope'");

    assertThat(CliRunner.run("train", "--data", data, "--member", "1", "--out", dir.resolve("x").toString()).err())
        .contains("--member applies to --method dlema only");
    assertThat(CliRunner.run("train", "--method", "dlema", "--data", data, "--weight-region", "disputed",
        "--weight-normalization", "image", "--out", dir.resolve("y").toString()).err())
        .contains("--weight-region disputed with --weight-normalization image: weights on disputed pixels are "
            + "normalised over the batch, not per image");
    assertThat(CliRunner.run("train", "--method", "dlema", "--data", data, "--weight-region", "some",
        "--out", dir.resolve("z").toString()).err())
        .contains("--weight-region must be one of all, disputed, got 'some'");
  }

  @Test
  void ensembleExportInspectAndPredictWithASignature() throws Exception {
    Path export = dir.resolve("export");
    CliRunner.Outcome exported = CliRunner.run("export", "--run", TinyRun.ensemble().toString(), "--out",
        export.toString(), "--name", "ens", "--fusion", "pixel-confidence");
    assertThat(exported.exitCode()).isEqualTo(0);
    assertThat(exported.out()).contains("serving_default = pixel_confidence");
    assertThat(exported.out()).contains("ens-member-1" + File.separator + "1");
    assertThat(Files.readString(export.resolve("models.config"))).contains("name: \"ens\"");

    CliRunner.Outcome inspected = CliRunner.run("inspect", export.resolve("ens/1").toString());
    assertThat(inspected.exitCode()).isEqualTo(0);
    assertThat(inspected.out()).contains("MetaGraph with tags: serve");
    assertThat(inspected.out()).contains("signature 'image_confidence' (method tensorflow/serving/predict)");
    assertThat(inspected.out()).containsMatch("member_probabilities +float32 +\\[-1, -1, -1, \\d\\]");
    assertThat(inspected.out()).containsMatch("image +float32 +\\[-1, -1, -1, 3\\]");
    assertThat(inspected.out()).contains("\"defaultFusion\": \"pixel_confidence\"");
    assertThat(CliRunner.run("inspect", dir.toString()).err()).contains("no saved_model.pb");

    Path image;
    try (var images = Files.list(TinyRun.data().resolve("images"))) {
      image = images.sorted().findFirst().orElseThrow();
    }
    String id = image.getFileName().toString().replace(".png", "");
    Path out = dir.resolve("pred");
    CliRunner.Outcome predicted = CliRunner.run("predict", "--model", export.resolve("ens/1").toString(),
        "--signature", "uniform", "--input", image.toString(), "--out", out.toString());
    assertThat(predicted.exitCode()).isEqualTo(0);
    assertThat(Files.isRegularFile(out.resolve(id + "_epistemic.png"))).isTrue();
    List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
    assertThat(csv.get(0)).endsWith("mean_epistemic");
    assertThat(csv.get(1)).matches(".*,[0-9.]+$");
    // The encoded-image signature: the same CSV line as the fused pixel signature with the same rule.
    Path viaBytes = dir.resolve("pred-bytes");
    CliRunner.Outcome bytes = CliRunner.run("predict", "--model", export.resolve("ens/1").toString(),
        "--signature", "image_bytes", "--input", image.toString(), "--out", viaBytes.toString());
    assertThat(bytes.exitCode()).isEqualTo(0);
    Path viaDefault = dir.resolve("pred-default");
    assertThat(CliRunner.run("predict", "--model", export.resolve("ens/1").toString(), "--input",
        image.toString(), "--out", viaDefault.toString()).exitCode()).isEqualTo(0);
    assertThat(Files.readAllLines(viaBytes.resolve("predictions.csv")))
        .isEqualTo(Files.readAllLines(viaDefault.resolve("predictions.csv")));
    assertThat(inspected.out()).contains("signature 'image_bytes' (method tensorflow/serving/predict)");
    assertThat(inspected.out()).contains("assets.extra/tf_serving_warmup_requests: 5 predict requests");

    CliRunner.Outcome body = CliRunner.run("request", "--model", export.resolve("ens/1").toString(), "--image",
        image.toString());
    assertThat(body.exitCode()).isEqualTo(0);
    assertThat(body.out()).startsWith("{\"signature_name\":\"image_bytes\",\"instances\":[{\"b64\":\"");
    assertThat(body.out()).contains(java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(image)));
    CliRunner.Outcome noSuch = CliRunner.run("request", "--model", export.resolve("ens/1").toString(), "--image",
        image.toString(), "--signature", "median");
    assertThat(noSuch.exitCode()).isEqualTo(1);
    assertThat(noSuch.err()).contains("no signature 'median'; it has image_bytes, image_confidence");

    CliRunner.Outcome unknown = CliRunner.run("predict", "--model", export.resolve("ens/1").toString(),
        "--signature", "median", "--input", image.toString(), "--out", out.toString());
    assertThat(unknown.exitCode()).isNotEqualTo(0);
    assertThat(unknown.err()).contains("no signature 'median'");
    assertThat(CliRunner.run("export", "--run", TinyRun.run().toString(), "--fusion", "uniform").err())
        .contains("--fusion applies to ensemble runs");
  }

  @Test
  void evaluateScoresASingleRunAndAnEnsembleExportPerMemberAndRule() throws Exception {
    Path export = dir.resolve("export");
    assertThat(CliRunner.run("export", "--run", TinyRun.ensemble().toString(), "--out", export.toString(),
        "--name", "ens", "--fusion", "uniform").exitCode()).isEqualTo(0);
    Path out = dir.resolve("evaluation");
    CliRunner.Outcome evaluated = CliRunner.run("evaluate", "--run", TinyRun.run().toString(), "--model",
        export.resolve("ens/1").toString(), "--data", TinyRun.data().toString(), "--out", out.toString(),
        "--examples", "1");
    assertThat(evaluated.exitCode()).isEqualTo(0);
    String tables = Files.readString(out.resolve("tables.md"));
    assertThat(tables).contains("### Table 1: Jaccard index");
    assertThat(tables).contains("| method | data | data (reference) |");
    for (String row : new String[] {"| run |", "| ens member 1 |", "| ens uniform |", "| ens pixel_confidence |",
        "| ens image_confidence |"}) {
      assertThat(tables).contains(row);
    }
    assertThat(evaluated.out()).contains("### Table 2");
    assertThat(Files.isRegularFile(out.resolve("evaluation.json"))).isTrue();
    assertThat(Files.isDirectory(out.resolve("reliability"))).isTrue();

    CliRunner.Outcome again = CliRunner.run("evaluate", "--run", TinyRun.run().toString(), "--data",
        TinyRun.data().toString(), "--out", out.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");
    assertThat(CliRunner.run("evaluate", "--data", "x", "--out", "y").err()).contains("--model or --run");
  }
}
