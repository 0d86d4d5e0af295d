package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.bench.StepTimes;
import org.dlema.io.JsonFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's report, not its speed: what it writes for a tiny spec. */
class BenchmarkCommandTest {
  @TempDir Path dir;

  @Test
  void writesPlainAndMetaStepMediansWithTheirRatios() throws Exception {
    Path out = dir.resolve("times.json");
    CliRunner.Outcome run = CliRunner.run("benchmark", "--specs", "tiny", "--batches", "2,3", "--warmup", "0",
        "--steps", "2", "--clean-batch", "4", "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    StepTimes.Report report = JsonFiles.read(out, StepTimes.Report.class);
    assertThat(report.measurements()).hasSize(2);
    for (StepTimes.Measurement m : report.measurements()) {
      assertThat(m.cleanBatch()).isEqualTo(4);
      assertThat(m.metaStepMedianMs()).isGreaterThan(0.0);
      assertThat(m.metaToPlainRatio()).isWithin(1e-9).of(m.metaStepMedianMs() / m.trainStepMedianMs());
    }
    assertThat(report.measurements().get(0).trainStepRatio()).isEqualTo(1.0);
    assertThat(Files.readString(dir.resolve("times.md"))).contains("| tiny | 7,595 | 3 |");
    assertThat(CliRunner.run("benchmark", "--batches", "2,x").err()).contains("whole numbers");
  }
}
