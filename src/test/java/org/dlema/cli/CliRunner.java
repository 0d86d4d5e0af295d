package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command line in-process and captures what it prints. */
final class CliRunner {
  record Outcome(int exitCode, String out, String err) {}

  private CliRunner() {}

  static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The one {@code dlema:} line of a refused command, checked for its exit code: no exception, no internal error. */
  static String refusal(Outcome run, int exitCode) {
    assertThat(run.exitCode()).isEqualTo(exitCode);
    List<String> lines = run.err().lines().filter(l -> l.startsWith("dlema:")).toList();
    assertThat(lines).hasSize(1);
    assertThat(run.err()).doesNotContain("Exception");
    assertThat(run.err()).doesNotContain("internal error");
    return lines.get(0);
  }
}
