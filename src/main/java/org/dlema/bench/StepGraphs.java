package org.dlema.bench;

import java.util.function.Supplier;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.MemberGraph;
import org.dlema.train.Method;
import org.dlema.train.TrainingGraph;
import org.dlema.train.TrainingSettings;
import org.tensorflow.proto.RunMetadata;

/**
 * A spec's plain training graph and D-LEMA member graph at one batch size, initialised, with the synthetic batch
 * their steps run on: what both step timings ({@link StepTimes}, {@link StepCost}) measure. The meta step learns
 * weights on every pixel, without dropout or a weight average; the steps use a small learning rate (1e-4), so
 * the weights stay near their initial values over the few timed steps.
 */
final class StepGraphs implements AutoCloseable {
  private static final float LEARNING_RATE = 1e-4f;

  private final TrainingGraph plain;
  private final MemberGraph meta;
  private final SyntheticBatch in;
  private final int batch;
  private final double plainBuildSeconds;
  private final double metaBuildSeconds;

  private StepGraphs(TrainingGraph plain, MemberGraph meta, SyntheticBatch in, int batch, double plainBuildSeconds,
      double metaBuildSeconds) {
    this.plain = plain;
    this.meta = meta;
    this.in = in;
    this.batch = batch;
    this.plainBuildSeconds = plainBuildSeconds;
    this.metaBuildSeconds = metaBuildSeconds;
  }

  /** Builds the two graphs one after the other (each build timed) and initialises them. */
  static StepGraphs build(NetworkSpec spec, int batch, int cleanBatch) {
    return build(spec, batch, cleanBatch, NoiseDraw.PER_IMAGE);
  }

  /** The same, with eq. 5's noise drawn as {@code draw} says (the paper's: per image). */
  static StepGraphs build(NetworkSpec spec, int batch, int cleanBatch, NoiseDraw draw) {
    TrainingSettings training = TrainingSettings.builder(Method.BASELINE).batchSize(batch).steps(1).noiseDraw(draw)
        .build();
    double[] seconds = new double[2];
    TrainingGraph plain = timed(() -> new TrainingGraph(spec, training), seconds, 0);
    MemberGraph meta;
    try {
      meta = timed(() -> new MemberGraph(spec, training, cleanBatch, EnsembleSettings.CleanLoss.CROSS_ENTROPY),
          seconds, 1);
    } catch (RuntimeException | Error e) {
      plain.close();
      throw e;
    }
    StepGraphs graphs = new StepGraphs(plain, meta, SyntheticBatch.of(spec.inputSize(), batch, cleanBatch), batch,
        seconds[0], seconds[1]);
    try {
      plain.session().initialize();
      meta.session().initialize();
    } catch (RuntimeException | Error e) {
      graphs.close();
      throw e;
    }
    return graphs;
  }

  /** One plain training step, its loss; {@code step} feeds the graph's seeded ops. */
  float plainStep(long step) {
    return plain.trainStep(in.images(), in.labels(), step, LEARNING_RATE);
  }

  /** One meta step: the noisy batch and the clean batch. */
  MemberGraph.Step metaStep(long step) {
    return meta.trainStep(batch(), step, LEARNING_RATE);
  }

  private MemberGraph.Batch batch() {
    return new MemberGraph.Batch(in.images(), in.labels(), in.cleanImages(), in.cleanLabels());
  }

  /** The plain graph's inference pass over the noisy batch: its probabilities. */
  float[] predict() {
    return plain.predict(in.images(), batch);
  }

  /** One plain training step with a full trace, for the per-op profile. */
  RunMetadata tracedPlainStep(long step) {
    return plain.tracedStep(in.images(), in.labels(), step, LEARNING_RATE, false);
  }

  /** One plain training step's graph as TensorFlow rewrote it (its partition graphs). */
  RunMetadata rewrittenPlainStep(long step) {
    return plain.tracedStep(in.images(), in.labels(), step, LEARNING_RATE, true);
  }

  /** One meta step with a full trace, for the per-op profile. */
  RunMetadata tracedMetaStep(long step) {
    return meta.tracedStep(batch(), step, LEARNING_RATE);
  }

  /** The member graph (its op types). */
  MemberGraph meta() {
    return meta;
  }

  /** The plain training graph (its parameter count and op types). */
  TrainingGraph plain() {
    return plain;
  }

  /** Wall time of building the training graph in Java (before any session ran). */
  double plainBuildSeconds() {
    return plainBuildSeconds;
  }

  /** The same for the member graph, built right after it. */
  double metaBuildSeconds() {
    return metaBuildSeconds;
  }

  @Override
  public void close() {
    try {
      meta.close();
    } finally {
      plain.close();
    }
  }

  /** Makes a graph and keeps how many seconds that took in {@code seconds[index]}. */
  private static <T> T timed(Supplier<T> make, double[] seconds, int index) {
    long start = System.nanoTime();
    T made = make.get();
    seconds[index] = (System.nanoTime() - start) / 1e9;
    return made;
  }
}
