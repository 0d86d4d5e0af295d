package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCheckTest {
  @TempDir Path dir;

  private Path run(String name, double... validations) throws Exception {
    Path run = dir.resolve(name);
    Files.createDirectories(run);
    StringBuilder lines = new StringBuilder("{\"step\":1,\"loss\":0.5}\n");
    for (int i = 0; i < validations.length; i++) {
      lines.append("{\"step\":").append(250 * (i + 1)).append(",\"val_jaccard\":").append(validations[i])
          .append(",\"val_jaccard_reference\":0.3}\n");
    }
    Files.writeString(run.resolve("metrics.jsonl"), lines);
    return run;
  }

  @Test
  void theSameScoreAtEveryValidationIsAConstantPrediction() throws Exception {
    assertThat(LearningCheck.of(run("flat", 0.3809, 0.3809, 0.3809, 0.3809)).orElseThrow())
        .contains("every one of the 4 validations gave the same Jaccard (38.09%)");
  }

  @Test
  void aNearZeroBestScoreLearnedNothing() throws Exception {
    assertThat(LearningCheck.of(run("zero", 0.0, 0.01, 0.02)).orElseThrow()).contains("best validation Jaccard is "
        + "2.00%");
  }

  @Test
  void aRunThatLearnsIsNotWarned() throws Exception {
    assertThat(LearningCheck.of(run("learns", 0.2, 0.5, 0.7))).isEmpty();
    // Two equal validations are too few to call it constant.
    assertThat(LearningCheck.of(run("short", 0.6, 0.6))).isEmpty();
    assertThat(LearningCheck.of(dir.resolve("missing"))).isEmpty();
  }
}
