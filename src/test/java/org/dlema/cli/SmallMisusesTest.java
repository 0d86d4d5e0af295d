package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Misuses that once reached "internal error" or a TensorFlow dump: each is refused in one line, in words. */
class SmallMisusesTest {
  @TempDir Path dir;

  @Test
  void aSpecWithAHundredThousandChannelsIsRefusedInWords() throws Exception {
    Path spec = Files.writeString(dir.resolve("huge.json"), "{\"name\": \"huge\", \"inputSize\": 64, \"stem\": 16, "
        + "\"stages\": [100000, 32, 64, 128], \"blocks\": [2, 2, 2, 2], \"head\": 8, \"batchNormMomentum\": 0.9, "
        + "\"batchNormEpsilon\": 0.001}");
    CliRunner.Outcome refused = CliRunner.run("train", "--data", TinyRun.data().toString(), "--spec",
        spec.toString(), "--out", dir.resolve("r").toString());
    String line = CliRunner.refusal(refused, 1);
    // Not TensorFlow's dump of the graph it could not build.
    assertThat(refused.err().lines().count()).isAtMost(3);
    assertThat(line).contains("stage widths must be 1 to 4096");
    assertThat(Files.exists(dir.resolve("r"))).isFalse();
  }

  @Test
  void aMatMulTooLargeForMemoryIsAUsageError() {
    assertThat(CliRunner.refusal(CliRunner.run("benchmark", "--matmul", "1000000", "--out",
        dir.resolve("b").toString()), 2))
        .contains("--matmul must be at most 8192");
  }

  @Test
  void compareRefusesAnEvaluationOfAnotherShape() throws Exception {
    Path point = dir.resolve("p");
    Files.createDirectories(point.resolve("evaluation"));
    Files.writeString(point.resolve("evaluation/evaluation.json"), "{\"results\": [{\"jaccard\": 0.5}]}");
    String line = CliRunner.refusal(CliRunner.run("compare", "--point", "a=" + point, "--out",
        dir.resolve("c").toString()), 1);
    assertThat(line).contains("is not an evaluation written by dlema");
  }

  @Test
  void theWeightFigureIsWrittenOnlyUnderAPngName() {
    assertThat(CliRunner.refusal(CliRunner.run("weights", "--run", TinyRun.ensemble().toString(), "--out",
        dir.resolve("x.jpg").toString()), 2)).contains("--out must name a .png file");
    assertThat(Files.exists(dir.resolve("x.jpg"))).isFalse();
  }

  @Test
  void aRequestForAnImageTheModelCannotDecodeIsRefused() throws Exception {
    Path export = dir.resolve("export");
    assertThat(CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", export.toString(), "--name",
        "m").exitCode()).isEqualTo(0);
    Path tiff = dir.resolve("scan.tif");
    assertThat(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32,
        java.awt.image.BufferedImage.TYPE_INT_RGB), "tiff", tiff.toFile())).isTrue();
    Path body = dir.resolve("body.json");
    String line = CliRunner.refusal(CliRunner.run("request", "--model", export.resolve("m").toString(), "--image",
        tiff.toString(), "--out", body.toString()), 1);
    assertThat(line).contains("scan.tif: is not a PNG, JPEG, GIF or BMP file");
    assertThat(Files.exists(body)).isFalse();
  }

  @Test
  void aFinishedRunResumedAgainGivesNoMedianStep() throws Exception {
    Path run = dir.resolve("again");
    assertThat(CliRunner.run("train", "--data", TinyRun.data().toString(), "--spec", "tiny", "--steps", "2",
        "--batch", "2", "--out", run.toString()).exitCode()).isEqualTo(0);
    CliRunner.Outcome again = CliRunner.run("train", "--resume", "--out", run.toString());
    assertThat(again.exitCode()).isEqualTo(0);
    assertThat(again.out()).contains("done: 2 steps");
    assertThat(again.out()).doesNotContain("NaN");
  }
}
