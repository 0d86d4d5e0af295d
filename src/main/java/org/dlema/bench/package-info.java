/**
 * Benchmarks measured in one process and reported as medians and ratios (the machines are shared and noisy).
 * Driven by {@code dlema benchmark}; results live in {@code benchmarks/}. Depends on {@code org.dlema.train},
 * {@code org.dlema.graph} and {@code org.dlema.io}.
 */
package org.dlema.bench;
