package org.dlema.train;

import static com.google.common.base.Preconditions.checkArgument;

import org.dlema.data.augment.AugmentationSettings;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.graph.NoiseDraw;

/**
 * Hyper-parameters of a training run. {@link #builder} starts from the paper's (section 3.2): SGD with momentum
 * 0.99, learning rate 1e-4 at every step, weight decay 5e-5, batch size 2, 10 Monte Carlo samples of the logits.
 * Fields added after the first release read as their paper value from older {@code config.json} files.
 *
 * @param steps total optimisation steps (a resumed run continues to this count)
 * @param validateEvery steps between validations (model selection on validation Jaccard)
 * @param checkpointEvery steps between "latest" checkpoints
 * @param schedule the learning rate of each step (the paper: constant)
 * @param augmentation random transforms of every training image and its masks (the paper: none)
 * @param averageDecay decay per step of the exponential moving average of the weights that validation, checkpoints'
 *     served weights and exports use (0: no average, the paper)
 * @param groupBy the pattern that names each image's group in the validation split (null: single images)
 * @param optimizer the real update (the paper's momentum SGD when absent)
 * @param selectOn what model selection scores (the paper's: every annotation, when absent)
 * @param noiseDraw how eq. 5's noise is drawn for a batch (the paper's: per image, when absent)
 */
public record TrainingSettings(Method method, int batchSize, double learningRate, double momentum,
    double weightDecay, int mcSamples, long seed, int steps, int validateEvery, int checkpointEvery,
    double validationFraction, LearningRateSchedule schedule, AugmentationSettings augmentation,
    double averageDecay, String groupBy, Optimizer optimizer, SelectOn selectOn, NoiseDraw noiseDraw) {
  public static final int DEFAULT_BATCH = 2;
  public static final double DEFAULT_LEARNING_RATE = 1e-4;
  public static final double DEFAULT_MOMENTUM = 0.99;
  public static final double DEFAULT_WEIGHT_DECAY = 5e-5;
  public static final int DEFAULT_MC_SAMPLES = 10;
  public static final int DEFAULT_STEPS = 2000;
  public static final double DEFAULT_VALIDATION_FRACTION = TrainValidationSplit.DEFAULT_VALIDATION_FRACTION;
  /** The seed of a run that names none. */
  public static final long DEFAULT_SEED = 1;
  /** Validation and checkpoint interval unless set (or the step count, when smaller). */
  public static final int DEFAULT_INTERVAL = 500;

  public TrainingSettings {
    checkArgument(method != null, "the training method is missing");
    checkArgument(batchSize >= 1, "batch size must be at least 1, got %s", batchSize);
    checkArgument(learningRate > 0, "learning rate must be positive, got %s", learningRate);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    checkArgument(weightDecay >= 0, "weight decay must be >= 0, got %s", weightDecay);
    checkArgument(mcSamples >= 1, "Monte Carlo samples must be at least 1, got %s", mcSamples);
    checkArgument(steps >= 1, "steps must be at least 1, got %s", steps);
    checkArgument(validateEvery >= 1 && checkpointEvery >= 1, "validation and checkpoint intervals must be >= 1");
    checkArgument(validationFraction > 0 && validationFraction < 1, "validation fraction must be in (0, 1)");
    checkArgument(averageDecay >= 0 && averageDecay < 1, "weight-average decay must be in [0, 1), got %s",
        averageDecay);
    if (schedule == null) {
      schedule = LearningRateSchedule.constant();
    }
    if (augmentation == null) {
      augmentation = AugmentationSettings.none();
    }
    if (optimizer == null) {
      optimizer = Optimizer.MOMENTUM;
    }
    if (selectOn == null) {
      selectOn = SelectOn.ANNOTATIONS;
    }
    if (noiseDraw == null) {
      noiseDraw = NoiseDraw.PER_IMAGE;
    }
  }

  /** The learning rate of 0-based step {@code step}. */
  public double learningRate(long step) {
    return schedule.rate(learningRate, step, steps);
  }

  /** The same settings trained to another total step count (resume with a new total). */
  public TrainingSettings withSteps(int total) {
    return toBuilder().steps(total).build();
  }

  /** The same settings with another seed (each ensemble member has its own). */
  public TrainingSettings withSeed(long other) {
    return toBuilder().seed(other).build();
  }

  /** The paper's settings for {@code method}, to be changed where a run differs. */
  public static Builder builder(Method method) {
    return new Builder(method);
  }

  public Builder toBuilder() {
    Builder b = new Builder(method);
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.momentum = momentum;
    b.weightDecay = weightDecay;
    b.mcSamples = mcSamples;
    b.seed = seed;
    b.steps = steps;
    b.validateEvery = validateEvery;
    b.checkpointEvery = checkpointEvery;
    b.validationFraction = validationFraction;
    b.schedule = schedule;
    b.augmentation = augmentation;
    b.averageDecay = averageDecay;
    b.groupBy = groupBy;
    b.optimizer = optimizer;
    b.selectOn = selectOn;
    b.noiseDraw = noiseDraw;
    return b;
  }

  /** Settings by name, starting from the paper's. */
  public static final class Builder {
    private Method method;
    private int batchSize = DEFAULT_BATCH;
    private double learningRate = DEFAULT_LEARNING_RATE;
    private double momentum = DEFAULT_MOMENTUM;
    private double weightDecay = DEFAULT_WEIGHT_DECAY;
    private int mcSamples = DEFAULT_MC_SAMPLES;
    private long seed = DEFAULT_SEED;
    private int steps = DEFAULT_STEPS;
    private Integer validateEvery;
    private Integer checkpointEvery;
    private double validationFraction = DEFAULT_VALIDATION_FRACTION;
    private LearningRateSchedule schedule = LearningRateSchedule.constant();
    private AugmentationSettings augmentation = AugmentationSettings.none();
    private double averageDecay;
    private String groupBy;
    private Optimizer optimizer = Optimizer.MOMENTUM;
    private SelectOn selectOn = SelectOn.ANNOTATIONS;
    private NoiseDraw noiseDraw = NoiseDraw.PER_IMAGE;

    private Builder(Method method) {
      this.method = method;
    }

    public Builder method(Method value) {
      method = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    public Builder momentum(double value) {
      momentum = value;
      return this;
    }

    public Builder weightDecay(double value) {
      weightDecay = value;
      return this;
    }

    public Builder mcSamples(int value) {
      mcSamples = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder steps(int value) {
      steps = value;
      return this;
    }

    /** Validation and checkpoint interval together. */
    public Builder interval(int value) {
      validateEvery = value;
      checkpointEvery = value;
      return this;
    }

    public Builder validateEvery(int value) {
      validateEvery = value;
      return this;
    }

    public Builder checkpointEvery(int value) {
      checkpointEvery = value;
      return this;
    }

    public Builder validationFraction(double value) {
      validationFraction = value;
      return this;
    }

    public Builder schedule(LearningRateSchedule value) {
      schedule = value;
      return this;
    }

    public Builder augmentation(AugmentationSettings value) {
      augmentation = value;
      return this;
    }

    /** The decay of the weights' moving average (0: none). */
    public Builder averageDecay(double value) {
      averageDecay = value;
      return this;
    }

    /** The pattern in each image id that names its group; the validation split keeps groups whole. */
    public Builder groupBy(String value) {
      groupBy = value;
      return this;
    }

    public Builder optimizer(Optimizer value) {
      optimizer = value;
      return this;
    }

    public Builder selectOn(SelectOn value) {
      selectOn = value;
      return this;
    }

    public Builder noiseDraw(NoiseDraw value) {
      noiseDraw = value;
      return this;
    }

    /** Intervals not set are {@value #DEFAULT_INTERVAL} steps, or the step count when smaller. */
    public TrainingSettings build() {
      int interval = Math.max(1, Math.min(DEFAULT_INTERVAL, steps));
      return new TrainingSettings(method, batchSize, learningRate, momentum, weightDecay, mcSamples, seed, steps,
          validateEvery == null ? interval : validateEvery, checkpointEvery == null ? interval : checkpointEvery,
          validationFraction, schedule, augmentation, averageDecay, groupBy, optimizer, selectOn, noiseDraw);
    }
  }
}
