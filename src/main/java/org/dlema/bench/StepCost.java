package org.dlema.bench;

import org.dlema.graph.NetworkSpec;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.MemberGraph;
import org.dlema.train.Method;
import org.dlema.train.TrainingGraph;
import org.dlema.train.TrainingSettings;

/**
 * This machine's median time of one plain training step and of one D-LEMA meta step of a spec at a batch size, as
 * {@code dlema benchmark} times them (synthetic inputs, the two interleaved after a warm-up; the meta step learns
 * weights on every pixel, without dropout or a weight average), measured quickly so that a job can plan its length
 * before it starts. A shared machine's speed drifts: the figures hold for the minutes around the measurement.
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

  /** Times {@link #TIMED} steps of each after {@link #WARMUP} untimed ones (a few seconds plus building graphs). */
  public static StepCost measure(NetworkSpec spec, int batch, int cleanBatch) {
    TrainingSettings training = TrainingSettings.builder(Method.BASELINE).batchSize(batch).steps(1).build();
    Samples plain = new Samples(TIMED);
    Samples meta = new Samples(TIMED);
    try (TrainingGraph graph = new TrainingGraph(spec, training);
        MemberGraph member = new MemberGraph(spec, training, cleanBatch, EnsembleSettings.CleanLoss.CROSS_ENTROPY)) {
      graph.session().initialize();
      member.session().initialize();
      SyntheticBatch in = SyntheticBatch.of(spec.inputSize(), batch, cleanBatch);
      for (int i = -WARMUP; i < TIMED; i++) {
        long step = i + WARMUP;
        plain.run(i >= 0, () -> graph.trainStep(in.images(), in.labels(), step, 1e-4f));
        meta.run(i >= 0, () -> member.trainStep(in.images(), in.labels(), in.cleanImages(), in.cleanLabels(), step,
            1e-4f));
      }
    }
    return new StepCost(plain.medianMs(), meta.medianMs());
  }
}
