package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class VersionCommandTest {
  /** Proves the declared native TensorFlow artifact loads on this platform: TF Java 1.1.0 ships TensorFlow 2.18. */
  @Test
  void reportsTheNativeTensorFlowVersion() {
    CliRunner.Outcome run = CliRunner.run("version");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).containsMatch("(?m)^TensorFlow 2\\.18\\.\\d+ ");
    assertThat(run.out()).containsMatch("(?m)^Java \\d+");
    // The suite turns them off through the variable (pom.xml), and the line says what decided.
    assertThat(run.out()).contains("oneDNN kernels off (TF_ENABLE_ONEDNN_OPTS=0)");
  }
}
