package org.dlema.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The timed runs of one configuration: each run's wall time, and the process CPU time spent during them. The CPU
 * time is the whole process's (TensorFlow's native pools are not Java threads, so per-thread Java clocks miss them);
 * on Linux it advances in 10 ms ticks, so it is summed over all the timed runs rather than read per run.
 */
public final class Samples {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final double[] millis;
  private int count;
  private long cpuNanos;
  private long wallNanos;
  private double firstMs = Double.NaN;

  /** Room for {@code timed} runs. */
  public Samples(int timed) {
    millis = new double[timed];
  }

  /** Runs {@code work} once; keeps its times only when {@code timed} (warm-up runs are discarded). */
  public void run(boolean timed, Runnable work) {
    long cpu = OS.getProcessCpuTime();
    long start = System.nanoTime();
    work.run();
    long wall = System.nanoTime() - start;
    long used = OS.getProcessCpuTime() - cpu;
    if (Double.isNaN(firstMs)) {
      firstMs = wall / 1e6;
    }
    if (timed) {
      millis[count++] = wall / 1e6;
      cpuNanos += used;
      wallNanos += wall;
    }
  }

  /**
   * The wall time of the first run, warm-up or not, in milliseconds (NaN before any): for a new graph it includes
   * TensorFlow's one-off work on it (Grappler's rewriting, kernel creation).
   */
  public double firstMs() {
    return firstMs;
  }

  public int count() {
    return count;
  }

  /** The median wall time of the timed runs, in milliseconds (NaN before any). */
  public double medianMs() {
    if (count == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(millis, count);
    Arrays.sort(sorted);
    return sorted[count / 2];
  }

  /** Process CPU time / wall time / cores over the timed runs: 1 when every core was busy for the process. */
  public double cpuUtilisation(int cores) {
    return wallNanos == 0 ? Double.NaN : (double) cpuNanos / wallNanos / cores;
  }
}
