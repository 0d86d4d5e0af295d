/**
 * Benchmarks measured in one process and reported as medians and ratios (the machines are shared and noisy), each
 * step set against the machine's own limit: {@link org.dlema.bench.StepTimes} (the run and its report),
 * {@link org.dlema.bench.MatMulPeak} (the practical peak), {@link org.dlema.bench.NetworkFlops} (operations counted
 * from a spec), {@link org.dlema.bench.InferenceTimes} (member, fused, in turn, SavedModel),
 * {@link org.dlema.bench.PeakMemory}, {@link org.dlema.bench.Machine}, {@link org.dlema.bench.OpProfile} (where a
 * step's time goes, per op type) and {@link org.dlema.bench.ReportTables}; {@link org.dlema.bench.StepCost} times a
 * plain and a meta step quickly, for a job that plans its length; both step timings run the graphs of
 * {@link org.dlema.bench.StepGraphs}.
 * Driven by {@code dlema benchmark}; results live in {@code benchmarks/}. Depends on {@code org.dlema.train},
 * {@code org.dlema.graph} and {@code org.dlema.io}.
 */
package org.dlema.bench;
