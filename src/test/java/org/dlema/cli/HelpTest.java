package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class HelpTest {
  /** Every verb Main knows, so that a new verb is checked without editing this test. */
  private static final String[] VERBS = Main.commands().verbs().toArray(String[]::new);

  @Test
  void topLevelHelpListsEveryVerb() {
    CliRunner.Outcome help = CliRunner.run("--help");
    assertThat(help.exitCode()).isEqualTo(0);
    for (String verb : VERBS) {
      assertThat(help.out()).contains("  " + verb + " ");
    }
    CliRunner.Outcome data = CliRunner.run("data", "--help");
    assertThat(data.exitCode()).isEqualTo(0);
    for (String verb : new String[] {"inspect", "synth", "simulate", "partition", "split", "staple"}) {
      assertThat(data.out()).contains("  " + verb + " ");
    }
  }

  @Test
  void everyVerbExplainsItsOptions() {
    for (String verb : VERBS) {
      CliRunner.Outcome help = CliRunner.run((verb + " --help").split(" "));
      assertThat(help.exitCode()).isEqualTo(0);
      assertThat(help.out()).startsWith("usage: dlema " + verb + " [options]");
      assertThat(help.out()).contains("--help");
      assertThat(help.err()).isEmpty();
    }
  }

  @Test
  void badUsageIsOneLineAndExitCodeTwo() {
    CliRunner.Outcome unknown = CliRunner.run("frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err().strip()).isEqualTo(
        "dlema: unknown verb 'frobnicate' for 'dlema'; known: quickstart, train, export, predict, request, inspect, "
            + "evaluate, experiment, compare, weights, benchmark, version, cluster, data (see --help)");

    CliRunner.Outcome missing = CliRunner.run("data", "synth");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().strip()).isEqualTo("dlema: missing required option --out (see --help)");

    CliRunner.Outcome badNumber = CliRunner.run("data", "synth", "--out", "x", "--count", "many");
    assertThat(badNumber.exitCode()).isEqualTo(2);
    assertThat(badNumber.err()).contains("--count expects a whole number, got 'many'");

    CliRunner.Outcome unknownOption = CliRunner.run("data", "inspect", "--bogus");
    assertThat(unknownOption.exitCode()).isEqualTo(2);
    assertThat(unknownOption.err().lines().count()).isEqualTo(1);

    assertThat(CliRunner.run().exitCode()).isEqualTo(2);
  }
}
