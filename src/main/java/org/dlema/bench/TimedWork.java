package org.dlema.bench;

/**
 * One timed configuration against the machine: its median time, the floating-point operations of one run (counted
 * by {@link NetworkFlops}), the rate they imply, that rate as a fraction of the {@link MatMulPeak} and the process's
 * CPU utilisation while it ran.
 *
 * @param gflop operations of one run, in 10^9
 * @param gflops gflop / median seconds
 * @param peakFraction gflops / the MatMul peak's GFLOP/s
 * @param cpuUtilisation process CPU time / wall time / cores over the timed runs
 */
public record TimedWork(double medianMs, double gflop, double gflops, double peakFraction, double cpuUtilisation) {
  /** The figures of {@code samples}, each run doing {@code flops} operations. */
  public static TimedWork of(Samples samples, long flops, double peakGflops, int cores) {
    double median = samples.medianMs();
    double gflops = flops / (median * 1e6);
    return new TimedWork(median, flops / 1e9, gflops, gflops / peakGflops, samples.cpuUtilisation(cores));
  }
}
