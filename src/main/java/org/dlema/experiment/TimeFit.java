package org.dlema.experiment;

import java.util.List;
import java.util.Locale;
import org.dlema.bench.StepCost;
import org.dlema.train.Method;

/**
 * The steps per network that fit a whole experiment into a given time on this machine ({@code experiment --minutes}):
 * its networks' steps priced at the measured plain and meta step, plus a reserve for export and evaluation. The
 * budget's steps are never exceeded, and the chosen count is recorded so that the experiment resumes with it and
 * {@code --steps} repeats it exactly on another machine.
 *
 * <p>The model: every single network (baseline, less-is-more, STAPLE, one MC-dropout network per member) costs a
 * plain step per step, every D-LEMA member a plain step for its meta warm-up's share of the steps and a meta step for
 * the rest; the sum is taken as the wall time of the training stages with networks two at a time (validation and
 * checkpoints roughly cancel what training two at a time gains; {@link #OVERHEAD} covers the rest on average, not
 * a machine that slows down after the timing), and one at a time costs {@link #ONE_AT_A_TIME} more
 * (docs/performance.md). Export and evaluation of the default experiment took about {@link #REPORT_MINUTES_PER_MS}
 * minutes per millisecond of plain step.
 *
 * @param minutes the time asked for, in minutes
 * @param plainMs the measured plain step
 * @param metaMs the measured meta step
 * @param steps the steps per network chosen
 * @param estimatedMinutes the experiment's estimated time with those steps, the timing itself included
 */
public record TimeFit(double minutes, double plainMs, double metaMs, int steps, double estimatedMinutes) {
  /**
   * The training stages' measured time over the model's sum of benchmark step times was 0.95-1.07 in four runs
   * (docs/results.md); a little above one keeps most runs within the minutes.
   */
  static final double OVERHEAD = 1.05;
  /** Networks one after another over two at a time (1.10-1.19 measured). */
  static final double ONE_AT_A_TIME = 1.15;
  /** Export and evaluation of every method on 400 test images: 3.0, 4.2 and 3.7 minutes at 64, 88 and 102 ms. */
  static final double REPORT_MINUTES_PER_MS = 0.045;
  /** Chosen step counts are multiples of this. */
  static final int ROUNDING = 10;
  /** Fewer steps than this train nothing worth evaluating. */
  static final int MIN_STEPS = 100;

  /**
   * The fit of {@code budget}'s {@code methods} with {@code members} members, {@code sideBySide} networks at a time,
   * into {@code minutes}, of which {@code spentMinutes} went into reading the data and timing the steps.
   *
   * @throws ExperimentException when not even {@link #MIN_STEPS} steps fit
   */
  static TimeFit plan(Budget budget, List<Method> methods, int members, int sideBySide, StepCost cost,
      double minutes, double spentMinutes) throws ExperimentException {
    double msPerStep = msPerStep(budget, methods, members, cost) * (sideBySide >= 2 ? 1 : ONE_AT_A_TIME) * OVERHEAD;
    double reserve = REPORT_MINUTES_PER_MS * cost.plainMs();
    double available = minutes - spentMinutes - reserve;
    int steps = (int) Math.min(budget.steps(), Math.floor(available * 60_000 / msPerStep / ROUNDING) * ROUNDING);
    if (steps < MIN_STEPS) {
      throw new ExperimentException(String.format(Locale.ROOT, "%s minutes fit only %d steps per network on this "
          + "machine (plain step %.1f ms, meta step %.1f ms: every %d steps of all networks take about %.1f minutes, "
          + "export and evaluation about %.1f); give more minutes or fewer methods, or a fixed number of steps instead",
          fmt(minutes), Math.max(steps, 0), cost.plainMs(), cost.metaMs(), MIN_STEPS, MIN_STEPS * msPerStep / 60_000,
          reserve));
    }
    return new TimeFit(minutes, cost.plainMs(), cost.metaMs(), steps,
        spentMinutes + reserve + steps * msPerStep / 60_000);
  }

  /**
   * The model's milliseconds for one step of every network, networks one after another on the whole machine: single
   * networks at the plain step, members at the plain step for the meta warm-up's share and the meta step after it.
   */
  static double msPerStep(Budget budget, List<Method> methods, int members, StepCost cost) {
    int single = 0;
    for (Method method : methods) {
      single += switch (method) {
        case BASELINE, LESS_IS_MORE, STAPLE -> 1;
        case MC_DROPOUT -> members;
        case DLEMA -> 0;
      };
    }
    double plainShare = (double) budget.metaWarmup() / budget.steps();
    double member = plainShare * cost.plainMs() + (1 - plainShare) * cost.metaMs();
    return single * cost.plainMs() + (methods.contains(Method.DLEMA) ? members * member : 0);
  }

  /** One line for the log and the report. */
  String describe() {
    return String.format(Locale.ROOT, "fitted to %s minutes: plain step %.1f ms, meta step %.1f ms on this "
        + "machine, so %d steps per network (about %.1f minutes); %d fixed steps repeat it exactly", fmt(minutes),
        plainMs, metaMs, steps, estimatedMinutes, steps);
  }

  /** {@code minutes} as given: 60, or 7.8. */
  static String fmt(double minutes) {
    return minutes == Math.rint(minutes) ? Long.toString((long) minutes) : Double.toString(minutes);
  }
}
