package org.dlema.experiment;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dlema.eval.EvaluationReport;
import org.dlema.io.JsonFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentComparisonTest {
  @TempDir Path dir;

  private static EvaluationReport.Entry entry(String set, String method, double jaccard, double se) {
    return new EvaluationReport.Entry(set, method, 100, jaccard, se, null, null, null, null, null);
  }

  private Path experiment(String name, double baseline, double fused) throws IOException {
    Path out = dir.resolve(name);
    JsonFiles.write(out.resolve("evaluation").resolve(EvaluationReport.JSON), new EvaluationReport.Contents(
        Map.of("test", "every annotation (mean per image)", "test (reference)", "reference masks"),
        List.of(entry("test", "baseline", 0.5, 0.01), entry("test (reference)", "baseline", baseline, 0.01),
            entry("test (reference)", "D-LEMA uniform", fused, 0.01),
            entry("test (reference)", "D-LEMA (uncalibrated) uniform", fused, 0.01)),
        Map.of(), List.of(), null));
    return out;
  }

  @Test
  void tableHoldsPercentagesOfTheReferenceSetAndMarksDifferencesBeyondTheNoise() throws IOException {
    List<ExperimentComparison.Point> points = List.of(
        new ExperimentComparison.Point("a", experiment("a", 0.70, 0.72)),
        new ExperimentComparison.Point("b", experiment("b", 0.70, 0.74)));
    ExperimentComparison.Comparison c = ExperimentComparison.read(points, null);
    assertThat(c.set()).isEqualTo("test (reference)");
    assertThat(c.methods()).containsExactly("baseline", "D-LEMA uniform").inOrder();
    assertThat(c.jaccard().get("D-LEMA uniform")[1]).isWithin(1e-9).of(74.0);
    // Standard error of the difference: hypot(1, 1) = 1.41 points, so 2 points is within 2 SE and 4 is beyond.
    String md = ExperimentComparison.markdown(c, null);
    assertThat(md).contains("| D-LEMA uniform | 72.00 ± 1.00 | 74.00 ± 1.00* |");
    assertThat(md).contains("| baseline | 70.00 ± 1.00 | 70.00 ± 1.00 |");
    // With a spread of 5 points neither difference is marked, with 1.5 points both are.
    assertThat(ExperimentComparison.markdown(c, 5.0)).contains("| D-LEMA uniform | 72.00 ± 1.00 | 74.00 ± 1.00 |");
    assertThat(ExperimentComparison.markdown(c, 1.5)).contains("| D-LEMA uniform | 72.00 ± 1.00* | 74.00 ± 1.00* |");
    assertThat(ExperimentComparison.figure(c).getWidth()).isEqualTo(720);
  }

  @Test
  void missingEvaluationsAndSetsAreNamed() throws IOException {
    Path empty = dir.resolve("empty");
    ExperimentException missing = assertThrows(ExperimentException.class, () -> ExperimentComparison.read(
        List.of(new ExperimentComparison.Point("x", empty)), null));
    assertThat(missing).hasMessageThat().contains(empty.resolve("evaluation").resolve("evaluation.json").toString());
    ExperimentException noSet = assertThrows(ExperimentException.class, () -> ExperimentComparison.read(
        List.of(new ExperimentComparison.Point("a", experiment("a", 0.7, 0.7))), "ph2"));
    assertThat(noSet).hasMessageThat().contains("has no test set 'ph2'");
  }
}
