package org.dlema.bench;

import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;

/**
 * This machine's median time of one plain training step and of one D-LEMA meta step of a spec at a batch size, as
 * {@code dlema benchmark} times them ({@link StepGraphs}, the two interleaved after a warm-up), measured quickly so
 * that a job can plan its length before it starts. A shared machine's speed drifts: the figures hold for the
 * minutes around the measurement.
 *
 * @param plainMs the plain training step (baseline, less-is-more, STAPLE, MC dropout, unweighted member steps)
 * @param metaMs the meta step (a weighted member step: noisy batch and clean batch)
 */
public record StepCost(double plainMs, double metaMs) {
  public static final int WARMUP = 3;
  public static final int TIMED = 7;

  public StepCost {
    if (!(plainMs > 0) || !(metaMs > 0)) {
      throw new IllegalArgumentException("step times must be positive, got " + plainMs + " and " + metaMs);
    }
  }

  /**
   * Times {@link #TIMED} steps of each after {@link #WARMUP} untimed ones (a few seconds plus building graphs), with
   * eq. 5's noise drawn as {@code draw} says.
   */
  public static StepCost measure(NetworkSpec spec, int batch, int cleanBatch, NoiseDraw draw) {
    Samples plain = new Samples(TIMED);
    Samples meta = new Samples(TIMED);
    try (StepGraphs graphs = StepGraphs.build(spec, batch, cleanBatch, draw)) {
      for (int i = -WARMUP; i < TIMED; i++) {
        long step = i + WARMUP;
        plain.run(i >= 0, () -> graphs.plainStep(step));
        meta.run(i >= 0, () -> graphs.metaStep(step));
      }
    }
    return new StepCost(plain.medianMs(), meta.medianMs());
  }
}
