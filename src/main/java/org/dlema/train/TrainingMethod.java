package org.dlema.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What differs between training methods: how a step's batch is drawn and what the step graph does. The loop,
 * validation, checkpoints, logs and resume are the {@link Trainer}'s and shared by all methods.
 */
interface TrainingMethod extends AutoCloseable {
  /** The outcome of one step: the loss that decides divergence, plus figures worth logging. */
  record StepResult(float loss, Map<String, Double> figures) {}

  /** Runs optimisation step {@code step} (0-based). */
  StepResult step(long step, float learningRate);

  /** Inference-mode probabilities of {@code n} normalised images. */
  float[] predict(float[] images, int n);

  /** The graph's session, for checkpoints. */
  org.tensorflow.Session session();

  /** Loads a checkpoint's variables. */
  void restore(Path checkpoint);

  /** Saves what the method keeps beyond the variables (e.g. sampled weight maps) into the run folder. */
  default void saveExtras(Path run) throws IOException {}

  @Override
  void close();
}
