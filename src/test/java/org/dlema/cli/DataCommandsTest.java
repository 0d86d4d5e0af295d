package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dlema.data.DatasetReader;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.testing.TestFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class DataCommandsTest {
  @TempDir Path dir;

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(f -> root.relativize(f).toString()).sorted().toList();
    }
  }

  @Test
  void synthWritesADeterministicMultiAnnotatorSet() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    CliRunner.Outcome first = CliRunner.run("data", "synth", "--out", a.toString(), "--count", "12", "--size", "32",
        "--seed", "3");
    assertThat(first.exitCode()).isEqualTo(0);
    assertThat(first.out()).contains("images:      12");
    assertThat(CliRunner.run("data", "synth", "--out", b.toString(), "--count", "12", "--size", "32", "--seed", "3")
        .exitCode()).isEqualTo(0);
    assertThat(tree(a)).isEqualTo(tree(b));
    for (String file : tree(a)) {
      assertThat(Files.readAllBytes(b.resolve(file))).isEqualTo(Files.readAllBytes(a.resolve(file)));
    }
    MultiAnnotatedDataset dataset = DatasetReader.read(a, ReadOptions.strict());
    assertThat(dataset.size()).isEqualTo(12);
    assertThat(dataset.images().get(0).annotations().get(0).annotator()).isPresent();
    assertThat(tree(a)).contains("reference/synth_0000_reference.png");

    CliRunner.Outcome inspect = CliRunner.run("data", "inspect", a.toString());
    assertThat(inspect.exitCode()).isEqualTo(0);
    assertThat(inspect.out()).contains("images:       12");
    assertThat(inspect.out()).contains("mean pairwise Cohen's kappa");
    assertThat(inspect.out()).contains("result:       no errors");
  }

  @Test
  void simulateTurnsSingleMasksIntoSeveral() throws Exception {
    Path source = TestFiles.smallFolderDataset(dir.resolve("src"));
    Path out = dir.resolve("sim");
    CliRunner.Outcome run = CliRunner.run("data", "simulate", "--data", source.toString(), "--out", out.toString(),
        "--counts", "3:1");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("1 masks beyond the first of their image were not used");
    MultiAnnotatedDataset dataset = DatasetReader.read(out, ReadOptions.strict());
    assertThat(dataset.annotationHistogram()).containsExactly(3, 2);
    // Images are copied byte for byte, in their own format.
    assertThat(Files.readAllBytes(out.resolve("images/b.jpg")))
        .isEqualTo(Files.readAllBytes(source.resolve("images/b.jpg")));
  }

  @Test
  void refusesToOverwriteAnExistingFolder() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("mine.txt"), "precious");
    CliRunner.Outcome run = CliRunner.run("data", "synth", "--out", out.toString(), "--count", "2", "--size", "32");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("already exists");
    assertThat(tree(out)).containsExactly("mine.txt");
  }

  @Test
  void partitionVerbWritesTheAssignment() throws Exception {
    Path data = dir.resolve("d");
    assertThat(CliRunner.run("data", "synth", "--out", data.toString(), "--count", "20", "--size", "32",
        "--counts", "2:1,3:1").exitCode()).isEqualTo(0);
    Path file = dir.resolve("partition.json");
    CliRunner.Outcome run = CliRunner.run("data", "partition", "--data", data.toString(), "--out", file.toString(),
        "--rule", "prefix");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("C^1: 20 annotations");
    assertThat(run.out()).contains("C^3: 10 annotations");
    assertThat(Files.readString(file)).contains("\"rule\": \"prefix\"");

    CliRunner.Outcome tooFew = CliRunner.run("data", "partition", "--data", data.toString(), "--subsets", "2");
    assertThat(tooFew.exitCode()).isEqualTo(2);
    assertThat(tooFew.err()).contains("only 2 subsets");
  }

  @Test
  void quickstartRunsEveryStageAndReusesFinishedOnes() throws Exception {
    Path run = dir.resolve("run");
    String[] args = {"quickstart", "--out", run.toString(), "--count", "15", "--steps", "3", "--member-steps", "2",
        "--spec", "tiny"};
    CliRunner.Outcome first = CliRunner.run(args);
    assertThat(first.exitCode()).isEqualTo(0);
    for (String file : new String[] {"data/manifest.csv", "dlema/partition.json", "dlema/members/1/weights/index.json",
        "baseline/split.json",
        "baseline/normalization.json", "baseline/checkpoints/final/state.json",
        "export/quickstart-baseline/1/saved_model.pb", "predictions/predictions.csv"}) {
      assertThat(Files.exists(run.resolve(file))).isTrue();
    }
    assertThat(Files.readAllLines(run.resolve("predictions/predictions.csv"))).hasSize(4); // header + 3 images
    CliRunner.Outcome second = CliRunner.run(args);
    assertThat(second.exitCode()).isEqualTo(0);
    assertThat(second.out()).contains("reusing the synthetic dataset");
    assertThat(second.out()).contains("reusing the finished run");
    assertThat(second.out()).contains("member 1: finished (2 steps)");
    CliRunner.Outcome other = CliRunner.run("quickstart", "--out", run.toString(), "--count", "16");
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.err()).contains("holds 15 images made with seed 1, not 16 with seed 1");
  }
}
