package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandTest {
  @TempDir Path dir;

  @Test
  void splitThenEveryMethodEvaluatedInOneReportAndASecondRunSkipsEverything() throws Exception {
    Path split = dir.resolve("split");
    CliRunner.Outcome splitting = CliRunner.run("data", "split", "--data", TinyRun.data().toString(), "--out",
        split.toString(), "--test-fraction", "0.25");
    assertThat(splitting.exitCode()).isEqualTo(0);
    assertThat(splitting.out()).contains("(9 images)");
    assertThat(splitting.out()).contains("reference masks found");
    List<String> test = Files.readAllLines(split.resolve("test.csv"));
    assertThat(test.get(0)).isEqualTo("image,mask,annotator");
    assertThat(test.get(1)).startsWith("../");

    Path out = dir.resolve("experiment");
    String[] args = {"experiment", "--data", split.resolve("train.csv").toString(), "--test",
        split.resolve("test.csv").toString(), "--spec", "tiny", "--steps", "2", "--out", out.toString()};
    CliRunner.Outcome first = CliRunner.run(args);
    assertThat(first.err()).doesNotContain("internal error");
    assertThat(first.exitCode()).isEqualTo(0);
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("### Table 1: Jaccard index");
    assertThat(report).contains("| method | test | test (reference) |");
    for (String row : new String[] {"| baseline |", "| D-LEMA member 1 |", "| D-LEMA uniform |",
        "| D-LEMA image_confidence |", "| less-is-more |", "| STAPLE |", "| MC dropout 1 |"}) {
      assertThat(report).contains(row);
    }
    assertThat(Files.isRegularFile(out.resolve("figures/weights.png"))).isTrue();
    assertThat(Files.isRegularFile(out.resolve("export/d-lema/1/saved_model.pb"))).isTrue();

    CliRunner.Outcome again = CliRunner.run(args);
    assertThat(again.exitCode()).isEqualTo(0);
    assertThat(again.out()).contains("[evaluation] finished earlier, skipped");
    assertThat(again.out()).doesNotContain("training:");

    String[] other = args.clone();
    other[other.length - 3] = "3";
    assertThat(CliRunner.run(other).err()).contains("holds an experiment with other options");
  }

  @Test
  void stapleWritesAConsensusDatasetWithOneMaskPerImage() throws Exception {
    Path out = dir.resolve("staple");
    CliRunner.Outcome outcome = CliRunner.run("data", "staple", "--data", TinyRun.data().toString(), "--out",
        out.toString());
    assertThat(outcome.exitCode()).isEqualTo(0);
    var original = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    var consensus = DatasetReader.read(out, ReadOptions.strict());
    assertThat(consensus.size()).isEqualTo(original.size());
    assertThat(consensus.maxAnnotations()).isEqualTo(1);
    assertThat(Files.readAllLines(out.resolve("staple.csv"))).hasSize(1 + original.annotationCount());
    assertThat(Files.isRegularFile(out.resolve("probability").resolve(original.images().get(0).id()
        + "_staple.png"))).isTrue();
  }
}
