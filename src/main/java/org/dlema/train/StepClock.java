package org.dlema.train;

import java.util.Arrays;

/** Wall time of each optimisation step, for the median a run reports. */
final class StepClock {
  private final double[] seconds;
  private int count;

  StepClock(long steps) {
    seconds = new double[(int) Math.max(0, steps)];
  }

  /** Records a step that began at {@code startNanos} (from {@link System#nanoTime}). */
  void stop(long startNanos) {
    seconds[count++] = (System.nanoTime() - startNanos) / 1e9;
  }

  double median() {
    if (count == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(seconds, count);
    Arrays.sort(sorted);
    return sorted[count / 2];
  }
}
