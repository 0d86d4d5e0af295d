package org.dlema.bench;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rewriting table of the benchmark's report, from figures set by hand: each row under its own setting. */
class ReportTablesTest {
  private static StepTimes.Measurement measured(StepTimes.Rewriting rewriting) {
    return new StepTimes.Measurement("lite", 10, 16, 16, 100.0, 20.0, 1.0, 300.0, 3.0, null, null, null, null, null,
        0.5, 1.5, 4.0, 15.0, null, rewriting);
  }

  private static StepTimes.Report report(StepTimes.Measurement... measurements) {
    return new StepTimes.Report("now", 1, 2, 10, null, 2, List.of(measurements), null, null, null, null, null,
        null);
  }

  @Test
  void theMainRowCarriesTheEnvironmentsSettingAndTheOtherRowItsRatios() {
    // The main graphs were rewritten (the default); the compared ones were not.
    StepTimes.Rewriting off = new StepTimes.Rewriting(false, 105.0, 270.0, 1.0, 3.0, 1.05, 0.9);
    String table = ReportTables.rewritingTable(report(measured(off)));
    assertThat(table).contains("| lite | 16 | on | 100.0 | 300.0 | 4.00 | 15.00 |");
    assertThat(table).contains("| lite | 16 | off | 105.0 (x1.05) | 270.0 (x0.90) | 1.00 | 3.00 |");

    // With DLEMA_GRAPPLER=off the main row is the unrewritten one.
    StepTimes.Rewriting on = new StepTimes.Rewriting(true, 99.0, 310.0, 5.0, 20.0, 0.99, 310.0 / 300.0);
    String flipped = ReportTables.rewritingTable(report(measured(on)));
    assertThat(flipped).contains("| lite | 16 | off | 100.0 | 300.0 | 4.00 | 15.00 |");
    assertThat(flipped).contains("| lite | 16 | on | 99.0 (x0.99) | 310.0 (x1.03) | 5.00 | 20.00 |");

    // A configuration measured without the comparison has no rows.
    assertThat(ReportTables.rewritingTable(report(measured(null))).lines().count()).isEqualTo(2);
  }
}
