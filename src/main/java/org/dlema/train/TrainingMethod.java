package org.dlema.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What differs between training methods: what a step's batch holds and what the step graph does. The loop,
 * validation, checkpoints, logs and resume are the {@link Trainer}'s and shared by all methods.
 *
 * @param <I> the inputs of one step, a pure function of (seed, step): the trainer makes them ahead of time on a
 *     background thread, so {@link #inputs} must not touch the session or anything {@link #step} changes
 */
interface TrainingMethod<I> extends AutoCloseable {
  /** The outcome of one step: the loss that decides divergence, plus figures worth logging. */
  record StepResult(float loss, Map<String, Double> figures) {}

  /** The inputs of optimisation step {@code step} (0-based). Called from one thread only, in step order. */
  I inputs(long step);

  /** Runs optimisation step {@code step} on its inputs. */
  StepResult step(long step, I inputs, float learningRate);

  /** Inference-mode probabilities of {@code n} normalised images. */
  float[] predict(float[] images, int n);

  /** The graph's session, for checkpoints. */
  org.tensorflow.Session session();

  /** Gives every variable its initial value at the start of a new run. */
  default void initialize() throws IOException {
    session().initialize();
  }

  /** Loads a checkpoint's variables. */
  void restore(Path checkpoint) throws IOException;

  /** Saves what the method keeps beyond the variables (e.g. sampled weight maps) into the run folder. */
  default void saveExtras(Path run) throws IOException {}

  @Override
  void close();
}
