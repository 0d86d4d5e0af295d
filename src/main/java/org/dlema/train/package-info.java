/**
 * Training: the step graph (momentum SGD with weight decay behind a gradient barrier, optionally a moving average of
 * the weights with batch-norm statistics of its own), seeded batching, validation
 * Jaccard, checkpoints with exact resume, run folders ({@code config.json}, {@code split.json},
 * {@code normalization.json}, {@code metrics.jsonl}, TensorBoard event files, {@code progress.png}); the D-LEMA
 * members' meta step and ensemble run folders; the members' weights gathered for a fused ensemble and its fusion
 * rules scored on validation. Depends on
 * {@code org.dlema.graph}, {@code org.dlema.eval} (charts, the Jaccard index),
 * {@code org.dlema.data} and {@code org.dlema.io}.
 */
package org.dlema.train;
