package org.dlema.experiment;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.dlema.bench.StepCost;
import org.dlema.testing.TinyRun;
import org.dlema.train.Method;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step count fitted to a time, against the model worked out by hand (docs/cli.md), and its life in an
 * experiment folder: timed once, recorded, kept when the experiment resumes.
 */
@Tag("slow")
class TimeFitTest {
  private static final StepCost COST = new StepCost(100, 300);

  @TempDir Path dir;

  @Test
  void everyNetworksStepsArePricedAtThePlainOrTheMetaStep() {
    Budget hour = Budget.of("cpu-hour");
    // 3 single networks and 5 MC-dropout ones at 100 ms; 5 members at 2/3 x 100 + 1/3 x 300 ms.
    assertThat(TimeFit.msPerStep(hour, Experiment.METHODS, 5, COST)).isWithin(1e-9).of(800 + 5 * (200.0 / 3 + 100));
    // cpu-long's members are weighted from the start.
    assertThat(TimeFit.msPerStep(Budget.of("cpu-long"), Experiment.METHODS, 5, COST)).isWithin(1e-9)
        .of(800 + 5 * 300);
    assertThat(TimeFit.msPerStep(hour, List.of(Method.BASELINE, Method.DLEMA), 3, COST)).isWithin(1e-9)
        .of(100 + 3 * (200.0 / 3 + 100));
    assertThat(TimeFit.msPerStep(hour, List.of(Method.BASELINE), 0, COST)).isWithin(1e-9).of(100);
  }

  @Test
  void theStepsFillTheMinutesLeftAfterTheTimingAndTheReportsReserve() throws Exception {
    Budget hour = Budget.of("cpu-hour");
    // 1633.33 ms x 1.05 = 1715 ms per step of every network; reserve 0.045 x 100 = 4.5 minutes, so (60 - 0.5 -
    // 4.5) x 60000 / 1715 = 1924.2 steps, rounded down to 1920: 0.5 + 4.5 + 1920 x 1715 / 60000 = 59.88 minutes.
    TimeFit fit = TimeFit.plan(hour, Experiment.METHODS, 5, 2, COST, 60, 0.5);
    assertThat(fit.steps()).isEqualTo(1920);
    assertThat(fit.estimatedMinutes()).isWithin(1e-9).of(59.88);
    assertThat(fit.describe()).isEqualTo("fitted to 60 minutes: plain step 100.0 ms, meta step 300.0 ms on this "
        + "machine, so 1920 steps per network (about 59.9 minutes); 1920 fixed steps repeat it exactly");
    // One network at a time takes 1.15 times as long: 55 x 60000 / 1972.25 = 1673.2.
    assertThat(TimeFit.plan(hour, Experiment.METHODS, 5, 1, COST, 60, 0.5).steps()).isEqualTo(1670);
    // Never more than the budget's steps.
    assertThat(TimeFit.plan(hour, Experiment.METHODS, 5, 2, COST, 600, 0.5).steps()).isEqualTo(3000);
  }

  @Test
  void tooFewMinutesAreRefusedWithWhatTheyWouldBuy() throws Exception {
    Budget hour = Budget.of("cpu-hour");
    // 8 minutes leave 8 - 0.5 - 4.5 = 3 for training, 105.0 steps, rounded to 100, the least allowed; 7.8 leave 2.8:
    // 98.0 steps, rounded to 90.
    assertThat(TimeFit.plan(hour, Experiment.METHODS, 5, 2, COST, 8, 0.5).steps()).isEqualTo(100);
    assertThat(assertThrows(ExperimentException.class, () -> TimeFit.plan(hour, Experiment.METHODS, 5, 2, COST,
        7.8, 0.5)).getMessage()).isEqualTo("7.8 minutes fit only 90 steps per network on this machine (plain step "
            + "100.0 ms, meta step 300.0 ms: every 100 steps of all networks take about 2.9 minutes, export and "
            + "evaluation about 4.5); give more minutes or fewer methods, or a fixed number of steps instead");
    assertThat(assertThrows(ExperimentException.class, () -> TimeFit.plan(hour, Experiment.METHODS, 5, 2, COST,
        2, 0.5)).getMessage()).startsWith("2 minutes fit only 0 steps per network");
  }

  @Test
  void aFitIsTimedOnceRecordedAndKeptWhenTheExperimentResumes() throws Exception {
    Path out = dir.resolve("experiment");
    Experiment experiment = Experiment.builder(TinyRun.data(), List.of(TinyRun.data()), Budget.of("quick"),
        TinyRun.spec(), 1, out).members(2).sideBySide(2).build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Experiment fitted = experiment.fittedTo(600, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String log = bytes.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("timing this machine's plain and meta steps of tiny at batch 2 to fit 600 minutes");
    TimeFit fit = fitted.fit();
    // A tiny network's 1500 steps take far less than 600 minutes: the budget's steps stay.
    assertThat(fit.steps()).isEqualTo(1500);
    assertThat(fit.estimatedMinutes()).isLessThan(600.0);
    assertThat(fitted.budget()).isEqualTo(Budget.of("quick"));
    assertThat(log).contains(fit.describe());

    // What run() writes first; a second start with the same minutes keeps the recorded fit without timing again.
    TimeFit recorded = new TimeFit(600, 1, 2, 1230, 590);
    Files.createDirectories(out);
    ExperimentState.openOrCreate(out, new ExperimentState("d", List.of("t"), List.of("baseline"), "b", "tiny", 1,
        Map.of(), Map.of(), recorded, null));
    AtomicInteger timings = new AtomicInteger();
    Supplier<StepCost> timing = () -> {
      timings.incrementAndGet();
      return COST;
    };
    bytes.reset();
    Experiment resumed = experiment.fittedTo(600, new PrintStream(bytes, true, StandardCharsets.UTF_8), timing);
    assertThat(timings.get()).isEqualTo(0);
    assertThat(resumed.fit()).isEqualTo(recorded);
    assertThat(resumed.budget()).isEqualTo(Budget.of("quick").withSteps(1230));
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("steps fitted earlier, kept: "
        + recorded.describe() + System.lineSeparator());
    // Other minutes cannot continue it, nor can --minutes continue an experiment started without: either would
    // choose other steps.
    ExperimentException other = assertThrows(ExperimentException.class, () -> experiment.fittedTo(40,
        new PrintStream(bytes, true, StandardCharsets.UTF_8), timing));
    assertThat(other).hasMessageThat().isEqualTo(out + " holds an experiment fitted to 600 minutes (1230 steps per "
        + "network); continue it with the same 600 minutes or 1230 fixed steps");
    Path plain = dir.resolve("plain");
    Files.createDirectories(plain);
    ExperimentState.openOrCreate(plain, new ExperimentState("d", List.of("t"), List.of("baseline"), "quick (1500 "
        + "steps)", "tiny", 1, Map.of(), Map.of(), null, null));
    ExperimentException unfitted = assertThrows(ExperimentException.class, () -> Experiment.of(TinyRun.data(),
        List.of(TinyRun.data()), Budget.of("quick"), TinyRun.spec(), 1, plain).fittedTo(40,
        new PrintStream(bytes, true, StandardCharsets.UTF_8), timing));
    assertThat(unfitted).hasMessageThat().isEqualTo(plain + " holds an experiment started without a time limit (quick "
        + "(1500 steps)); continue it without one");
    assertThat(timings.get()).isEqualTo(0);

    // A new folder is timed: 2 single networks and 2 members of 100 and 300 ms (quick weights from the start), 1.05
    // x 800 = 840 ms per step; (40 - 4.5) minutes fit 2535.7 steps, more than quick's 1500.
    Experiment fresh = Experiment.builder(TinyRun.data(), List.of(TinyRun.data()), Budget.of("quick"),
        TinyRun.spec(), 1, dir.resolve("fresh")).members(2).sideBySide(2).methods(List.of(Method.BASELINE,
        Method.DLEMA, Method.LESS_IS_MORE)).build();
    Experiment refitted = fresh.fittedTo(40, new PrintStream(bytes, true, StandardCharsets.UTF_8), timing);
    assertThat(timings.get()).isEqualTo(1);
    assertThat(refitted.fit().plainMs()).isEqualTo(100.0);
    assertThat(refitted.fit().steps()).isEqualTo(1500);
    // 10 minutes: (10 - 4.5 - the time it took) x 60000 / 840 is at most 392.9, so 390 or fewer.
    Experiment shorter = fresh.fittedTo(10, new PrintStream(bytes, true, StandardCharsets.UTF_8), timing);
    assertThat(shorter.fit().steps()).isIn(List.of(390, 380));
    assertThat(shorter.budget()).isEqualTo(Budget.of("quick").withSteps(shorter.fit().steps()));

    // cpu-hour's members keep two thirds of the fewer steps unweighted, as --steps gives them, and their size:
    // (60 - 4.5 - the time it took) x 60000 / 1715 is at most 1941.7 steps.
    Path hourOut = dir.resolve("hour");
    Experiment hour = Experiment.builder(TinyRun.data(), List.of(TinyRun.data()), Budget.of("cpu-hour"),
        TinyRun.spec(), 1, hourOut).members(5).sideBySide(2).build().fittedTo(60, new PrintStream(bytes, true,
        StandardCharsets.UTF_8), timing);
    int steps = hour.fit().steps();
    assertThat(steps).isIn(List.of(1940, 1930));
    assertThat(hour.budget()).isEqualTo(Budget.of("cpu-hour").withSteps(steps));
    assertThat(hour.ensemble()).isEqualTo(Budget.of("cpu-hour").withSteps(steps).ensemble().withMembers(5));
    assertThat(hour.ensemble().metaWarmup()).isEqualTo(2000 * steps / 3000);
  }
}
