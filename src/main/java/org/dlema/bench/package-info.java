/**
 * Benchmarks measured in one process and reported as medians and ratios (the machines are shared and noisy).
 * Driven by {@code dlema benchmark}; results live in {@code benchmarks/}. Depends on {@code org.dlema.train} and
 * {@code org.dlema.graph}.
 */
package org.dlema.bench;
