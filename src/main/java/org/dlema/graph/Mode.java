package org.dlema.graph;

/** Which batch-norm statistics a forward pass uses. */
public enum Mode {
  /** Batch statistics; the moving averages are updated. */
  TRAIN,
  /** The moving averages; nothing is updated (validation, export). */
  INFERENCE
}
