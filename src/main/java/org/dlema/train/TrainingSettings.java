package org.dlema.train;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Hyper-parameters of a training run; the defaults are the paper's (section 3.2): SGD with momentum 0.99, learning
 * rate 1e-4, weight decay 5e-5, batch size 2, 10 Monte Carlo samples of the logits.
 *
 * @param steps total optimisation steps (a resumed run continues to this count)
 * @param validateEvery steps between validations (model selection on validation Jaccard)
 * @param checkpointEvery steps between "latest" checkpoints
 */
public record TrainingSettings(String method, int batchSize, double learningRate, double momentum,
    double weightDecay, int mcSamples, long seed, int steps, int validateEvery, int checkpointEvery,
    double validationFraction) {
  public static final int DEFAULT_BATCH = 2;
  public static final double DEFAULT_LEARNING_RATE = 1e-4;
  public static final double DEFAULT_MOMENTUM = 0.99;
  public static final double DEFAULT_WEIGHT_DECAY = 5e-5;
  public static final int DEFAULT_MC_SAMPLES = 10;

  public TrainingSettings {
    checkArgument(batchSize >= 1, "batch size must be at least 1, got %s", batchSize);
    checkArgument(learningRate > 0, "learning rate must be positive, got %s", learningRate);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    checkArgument(weightDecay >= 0, "weight decay must be >= 0, got %s", weightDecay);
    checkArgument(mcSamples >= 1, "Monte Carlo samples must be at least 1, got %s", mcSamples);
    checkArgument(steps >= 1, "steps must be at least 1, got %s", steps);
    checkArgument(validateEvery >= 1 && checkpointEvery >= 1, "validation and checkpoint intervals must be >= 1");
    checkArgument(validationFraction > 0 && validationFraction < 1, "validation fraction must be in (0, 1)");
  }

  /** The same settings trained to another total step count (resume with a new --steps). */
  public TrainingSettings withSteps(int total) {
    return new TrainingSettings(method, batchSize, learningRate, momentum, weightDecay, mcSamples, seed, total,
        validateEvery, checkpointEvery, validationFraction);
  }

  /** The same settings with another seed (each ensemble member has its own). */
  public TrainingSettings withSeed(long other) {
    return new TrainingSettings(method, batchSize, learningRate, momentum, weightDecay, mcSamples, other, steps,
        validateEvery, checkpointEvery, validationFraction);
  }

  public static TrainingSettings defaults(int steps) {
    return new TrainingSettings("baseline", DEFAULT_BATCH, DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM,
        DEFAULT_WEIGHT_DECAY, DEFAULT_MC_SAMPLES, 1, steps, Math.max(1, Math.min(500, steps)),
        Math.max(1, Math.min(500, steps)), 0.2);
  }
}
