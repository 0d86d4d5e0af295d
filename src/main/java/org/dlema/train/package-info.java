/**
 * Training: the step graph (momentum SGD with weight decay behind a gradient barrier), seeded batching, validation
 * Jaccard, checkpoints with exact resume, run folders ({@code config.json}, {@code split.json},
 * {@code normalization.json}, {@code metrics.jsonl}, TensorBoard event files, {@code progress.png}). Depends on
 * {@code org.dlema.graph}, {@code org.dlema.eval} (charts),
 * {@code org.dlema.data} and {@code org.dlema.io}.
 */
package org.dlema.train;
