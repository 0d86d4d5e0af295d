package org.dlema.io;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long SECOND = 1_000_000_000L;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private List<String> printedLines() {
    return printed().lines().toList();
  }

  @Test
  void aLineEveryTenPercentWithTheMinutesSoFarAndLeftOnceAMinuteHasPassed() {
    AtomicLong now = new AtomicLong(5 * SECOND);
    Progress progress = Progress.timed(out, "training", 20, false, now::get);
    for (int i = 0; i < 20; i++) {
      now.addAndGet(9 * SECOND);
      progress.step();
    }
    progress.done();
    // Two steps (18 s) per line. At 8 of 20 steps 72 s have passed: 1.2 min, and 12 more steps at 9 s are 1.8 min.
    assertThat(printedLines()).containsExactly(
        "training: 2/20 (10%)",
        "training: 4/20 (20%)",
        "training: 6/20 (30%)",
        "training: 8/20 (40%), 1.2 min, about 1.8 min left at this rate",
        "training: 10/20 (50%), 1.5 min, about 1.5 min left at this rate",
        "training: 12/20 (60%), 1.8 min, about 1.2 min left at this rate",
        "training: 14/20 (70%), 2.1 min, about 0.9 min left at this rate",
        "training: 16/20 (80%), 2.4 min, about 0.6 min left at this rate",
        "training: 18/20 (90%), 2.7 min, about 0.3 min left at this rate",
        "training: 20/20 (100%), 3.0 min").inOrder();
  }

  @Test
  void theTimeLeftFollowsTheRateSinceTheFirstStepNotTheLastStepNorTheStartUp() {
    AtomicLong now = new AtomicLong();
    Progress progress = Progress.timed(out, "x", 10, false, now::get);
    // The first step carries a minute of one-off work (a graph optimised on its first run).
    now.set(60 * SECOND);
    progress.step();
    now.set(66 * SECOND);
    progress.step();
    now.set(76 * SECOND);
    progress.step();
    // After the first step, 2 steps in 16 s leave 7 steps at 8 s each: 0.9 min (the last step's 10 s would say 1.2,
    // and counting the first minute 2.8).
    assertThat(printedLines()).containsExactly(
        "x: 1/10 (10%), 1.0 min, about 9.0 min left at this rate",
        "x: 2/10 (20%), 1.1 min, about 0.8 min left at this rate",
        "x: 3/10 (30%), 1.3 min, about 0.9 min left at this rate").inOrder();
  }

  @Test
  void theBarIsClearedForALineAndAShorterBarCoversTheLongerOne() {
    // A negative origin, as System.nanoTime may have: only differences of the clock may matter.
    long origin = -1000 * SECOND;
    AtomicLong now = new AtomicLong(origin);
    Progress progress = Progress.timed(out, "x", 3, true, now::get);
    now.set(origin + 60 * SECOND);
    progress.step();
    progress.line(out, "note");
    // Within the redraw interval, but the line has wiped the bar, so it is drawn again at once.
    now.set(origin + 60 * SECOND + SECOND / 10);
    progress.step();
    now.set(origin + 120 * SECOND);
    progress.step();
    progress.done();
    String first = "x [######" + " ".repeat(14) + "] 1/3 1.0 min (2.0 left)";
    String second = "x [#############" + " ".repeat(7) + "] 2/3 1.0 min (0.0 left)";
    String last = "x [####################] 3/3 2.0 min";
    assertThat(printed()).isEqualTo("\r" + first + "\r" + " ".repeat(first.length())
        + "\r" + "note" + System.lineSeparator() + "\r" + second + "\r" + last
        + " ".repeat(second.length() - last.length()) + System.lineSeparator());
  }

  @Test
  void barsDrawnAtTheSameTimeShareOneLineUntilEachEnds() {
    AtomicLong now = new AtomicLong(0);
    Progress one = Progress.timed(out, "m1", 4, true, now::get);
    Progress two = Progress.timed(out, "m2", 4, true, now::get);
    now.set(SECOND);
    one.step();
    now.set(2 * SECOND);
    two.step();
    String both = "m1 [##" + " ".repeat(8) + "] 1/4  m2 [##" + " ".repeat(8) + "] 1/4";
    assertThat(printed()).endsWith("\r" + both);
    // Past a minute: the line says the longest time left, m2's 3 steps at its rate (m1's first step is start-up).
    now.set(70 * SECOND);
    one.step();
    now.set(80 * SECOND);
    two.step();
    assertThat(printed()).endsWith("m1 [#####" + " ".repeat(5) + "] 2/4  m2 [#####" + " ".repeat(5)
        + "] 2/4 (2.6 min left)");
    // m1 ends: the line is drawn again without it and stays open; the last bar to end closes it.
    one.done();
    assertThat(printed()).doesNotContain(System.lineSeparator());
    assertThat(printed()).contains("\rm2 [##########" + " ".repeat(10) + "] 2/4");
    two.done();
    assertThat(printed()).endsWith(System.lineSeparator());
  }
}
