package org.dlema.experiment;

import java.util.List;
import java.util.Locale;
import org.dlema.data.augment.AugmentationSettings;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.LearningRateSchedule;
import org.dlema.train.Method;
import org.dlema.train.Optimizer;
import org.dlema.train.SelectOn;
import org.dlema.train.TrainingSettings;

/**
 * How much training every network of an experiment gets, and with which recipe. {@code paper} is the paper's
 * setting unchanged; {@code quick} is the paper's recipe cut to 1500 steps (with a ten times larger rate so that it
 * learns at all); {@code cpu} is a recipe for 2 CPU cores: batch 16 (throughput per image is 3-4 times batch 2's on
 * a CPU), twice quick's rate after a 50-step warm-up, and a clean batch of 16. At 1500 steps what slows fitting
 * costs: cosine decay and augmentation both scored lower on the validation images (docs/results.md). {@code cpu}'s
 * D-LEMA members learn eq. 1's weights only on the pixels where an image's annotations disagree (the best weighted
 * variant measured; the paper's weighting drops a third of the pixels each step), while {@code quick} and
 * {@code paper} keep the paper's weighting. {@code cpu-long} is {@code cpu} for 3000 steps with flips and quarter
 * turns: by then the unaugmented baseline has levelled off and the augmentation pays; it takes longer than an hour
 * on 2 cores. {@code cpu-hour} is {@code cpu-long} with the members' first 2000 steps unweighted (plain steps, a
 * third of a meta step's time), which brings the experiment within the hour where a batch-16 step takes under
 * about 66 ms (slower machines: experiment --minutes); it is the default: on the repository's split its baseline
 * reaches 75% and its fused ensemble about 2.2 points more on the mean of ten seeds (docs/results.md).
 *
 * {@code small-objects} is {@code cpu} with Adam at 1e-3 instead of momentum SGD, the members' meta-weighting from
 * step 1000 and selection on the pooled Jaccard against the reference masks (without augmentation: with flips and
 * quarter turns no network learned LIDC's nodules in 1500 steps): on objects that cover a small share of the image
 * (LIDC's nodules, 0.5 % of the pixels) momentum SGD's steps shrink with the gradient and no network of the other
 * budgets learned them; Adam moves every weight at the learning rate. Where a third of the references are empty,
 * a per-image mean scores a network that predicts nothing at that third, and selection kept such networks; the
 * pooled Jaccard scores them 0 (docs/results.md, "Real annotators").
 *
 * @param name the budget's name
 * @param steps optimisation steps of every network
 * @param batch images per noisy batch
 * @param learningRate the base rate
 * @param schedule the rate of each step
 * @param cleanBatch D-LEMA's clean batch
 * @param weightRegion where D-LEMA's members learn eq. 1's weights
 * @param metaWarmup D-LEMA's steps with uniform weights before the meta-weighting starts
 * @param interval steps between validations and checkpoints
 * @param averageDecay decay of every network's weight average (train --ema; 0: none, every named budget)
 * @param optimizer every network's real update (momentum SGD, the paper's, when absent)
 * @param selectOn what model selection scores (every annotation, the paper's, when absent)
 * @param noiseDraw how eq. 5's noise is drawn for a batch (per image, the paper's and every named budget's, when
 *     absent)
 */
public record Budget(String name, int steps, int batch, double learningRate, LearningRateSchedule schedule,
    AugmentationSettings augmentation, int cleanBatch, EnsembleSettings.WeightRegion weightRegion, int metaWarmup,
    int interval, double averageDecay, Optimizer optimizer, SelectOn selectOn, NoiseDraw noiseDraw) {
  public static final String DEFAULT = "cpu-hour";

  public Budget {
    optimizer = optimizer == null ? Optimizer.MOMENTUM : optimizer;
    selectOn = selectOn == null ? SelectOn.ANNOTATIONS : selectOn;
    noiseDraw = noiseDraw == null ? NoiseDraw.PER_IMAGE : noiseDraw;
  }

  /** The budget called {@code name}. */
  public static Budget of(String name) {
    return switch (name) {
      case "cpu" -> cpuRecipe(name, 1500, AugmentationSettings.none(), 0).build();
      // Twice cpu's steps, with flips and quarter turns: at 3000 steps the unaugmented baseline has levelled off.
      case "cpu-long" -> cpuRecipe(name, 3000, AugmentationSettings.dihedral(), 0).build();
      // cpu-long's members meta-weighted for their last 1000 steps only: the meta step takes three plain steps' time.
      case "cpu-hour" -> cpuRecipe(name, 3000, AugmentationSettings.dihedral(), 2000).build();
      // cpu with Adam: the steps of the weights that small objects train no longer shrink with their gradients.
      // Selected on the reference masks where the data keeps them: against annotations that are often empty, a
      // network that predicts nothing scores well early.
      case "small-objects" -> cpuRecipe(name, 1500, AugmentationSettings.none(), 1000).learningRate(1e-3)
          .optimizer(Optimizer.ADAM).selectOn(SelectOn.POOLED_REFERENCE).build();
      // Fits 2 CPU cores in well under 90 minutes with linknet-lite on 1600 ISIC images.
      case "quick" -> new Builder(name, 1500, TrainingSettings.DEFAULT_BATCH, 1e-3, LearningRateSchedule.constant(),
          AugmentationSettings.none(), 8, EnsembleSettings.WeightRegion.ALL, 0, 500).build();
      // The paper's settings (3.2): lr 1e-4, clean batch 64; the weight maps of Figures 3-4 are at 100K steps.
      case "paper" -> new Builder(name, 100_000, TrainingSettings.DEFAULT_BATCH,
          TrainingSettings.DEFAULT_LEARNING_RATE, LearningRateSchedule.constant(), AugmentationSettings.none(),
          EnsembleSettings.PAPER_CLEAN_BATCH, EnsembleSettings.WeightRegion.ALL, 0, 5000).build();
      default -> throw new IllegalArgumentException("no budget called '" + name + "'; available: "
          + String.join(", ", names()));
    };
  }

  public static List<String> names() {
    return List.of("cpu", "cpu-long", "cpu-hour", "small-objects", "quick", "paper");
  }

  /** What each budget is, in one sentence per budget, for the {@code --budget} help of train and experiment. */
  public static String help() {
    return "cpu (1500 steps of batch 16, lr 2e-3 after a 50-step warm-up, clean batch 16, D-LEMA's weights learned "
        + "on disputed pixels: a recipe for 2 CPU cores), cpu-long (cpu with 3000 steps and flips and quarter "
        + "turns), cpu-hour (cpu-long with the members' meta-weighting from step 2000: plain steps before, so that "
        + "it fits an hour on 2 cores), small-objects (cpu with Adam at lr 1e-3, the "
        + "members' meta-weighting from step 1000 and models selected on the pooled Jaccard against the reference "
        + "masks: for objects that cover a small share of the image; with a spec that starts from a rare-foreground "
        + "prior such as linknet-lite-64-prior), quick (1500 "
        + "steps of the paper's batch 2, constant lr 1e-3, clean batch 8) or paper (the paper's settings unchanged: "
        + "100000 steps of batch 2, lr 1e-4, clean batch 64)";
  }

  /**
   * The cpu recipe (batch 16, 2e-3 constant after a 50-step linear warm-up, clean batch 16, weights on the disputed
   * pixels, validation every 250 steps) for {@code steps} steps with {@code augmentation}, the members' meta-weighting
   * starting after {@code metaWarmup} steps.
   */
  private static Builder cpuRecipe(String name, int steps, AugmentationSettings augmentation, int metaWarmup) {
    return new Builder(name, steps, 16, 2e-3, new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, 50, 1),
        augmentation, 16, EnsembleSettings.WeightRegion.DISPUTED, metaWarmup, 250);
  }

  public Builder toBuilder() {
    return new Builder(name, steps, batch, learningRate, schedule, augmentation, cleanBatch, weightRegion,
        metaWarmup, interval).averageDecay(averageDecay).optimizer(optimizer).selectOn(selectOn)
        .noiseDraw(noiseDraw);
  }

  /**
   * The same budget with another step count (the interval shrinks to fit; the meta warm-up keeps its share of the
   * steps).
   */
  public Budget withSteps(int n) {
    return toBuilder().steps(n).metaWarmup((int) ((long) metaWarmup * n / steps)).interval(Math.min(interval, n))
        .build();
  }

  /** A budget changed by name: every field starts as a named budget's. */
  public static final class Builder {
    private final String name;
    private int steps;
    private final int batch;
    private double learningRate;
    private final LearningRateSchedule schedule;
    private final AugmentationSettings augmentation;
    private final int cleanBatch;
    private EnsembleSettings.WeightRegion weightRegion;
    private int metaWarmup;
    private int interval;
    private double averageDecay;
    private Optimizer optimizer = Optimizer.MOMENTUM;
    private SelectOn selectOn = SelectOn.ANNOTATIONS;
    private NoiseDraw noiseDraw = NoiseDraw.PER_IMAGE;

    private Builder(String name, int steps, int batch, double learningRate, LearningRateSchedule schedule,
        AugmentationSettings augmentation, int cleanBatch, EnsembleSettings.WeightRegion weightRegion,
        int metaWarmup, int interval) {
      this.name = name;
      this.steps = steps;
      this.batch = batch;
      this.learningRate = learningRate;
      this.schedule = schedule;
      this.augmentation = augmentation;
      this.cleanBatch = cleanBatch;
      this.weightRegion = weightRegion;
      this.metaWarmup = metaWarmup;
      this.interval = interval;
    }

    public Builder steps(int value) {
      steps = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    /** Where D-LEMA's weights are learned. */
    public Builder weightRegion(EnsembleSettings.WeightRegion value) {
      weightRegion = value;
      return this;
    }

    public Builder metaWarmup(int value) {
      metaWarmup = value;
      return this;
    }

    public Builder interval(int value) {
      interval = value;
      return this;
    }

    /** Every network's weights averaged at this decay per step for validation, model selection and export. */
    public Builder averageDecay(double value) {
      averageDecay = value;
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

    /** How every network draws eq. 5's noise. */
    public Builder noiseDraw(NoiseDraw value) {
      noiseDraw = value;
      return this;
    }

    public Budget build() {
      return new Budget(name, steps, batch, learningRate, schedule, augmentation, cleanBatch, weightRegion,
          metaWarmup, interval, averageDecay, optimizer, selectOn, noiseDraw);
    }
  }

  /** D-LEMA's settings under this budget, with M taken from the data. */
  public EnsembleSettings ensemble() {
    return EnsembleSettings.paper(0, cleanBatch).toBuilder().weightRegion(weightRegion).metaWarmup(metaWarmup)
        .build();
  }

  /** The training settings of {@code method} under this budget. */
  public TrainingSettings settings(Method method, long seed) {
    return TrainingSettings.builder(method).batchSize(batch).learningRate(learningRate).schedule(schedule)
        .augmentation(augmentation).averageDecay(averageDecay).optimizer(optimizer)
        .selectOn(selectOn).noiseDraw(noiseDraw).seed(seed).steps(steps).interval(interval).build();
  }

  /** The MC-dropout networks' spec: the paper's p = 0.3 in 5 layers, 15 passes. */
  public static NetworkSpec dropout(NetworkSpec spec) {
    return spec.withDropout(NetworkSpec.PAPER_DROPOUT, NetworkSpec.PAPER_DROPOUT_LAYERS, NetworkSpec.PAPER_MC_PASSES);
  }

  /**
   * One line, e.g. "cpu (1500 steps, weights on disputed pixels)": what experiment.json compares to decide whether a
   * folder is this run.
   */
  public String label() {
    // Each setting on its own: a momentum budget that selects on the references still says so.
    String selection = switch (selectOn) {
      case ANNOTATIONS -> "";
      case REFERENCE -> ", selected on the reference";
      case POOLED_REFERENCE -> ", selected on the pooled reference";
    };
    return String.format(Locale.ROOT, "%s (%d steps%s%s%s%s%s%s)", name, steps,
        weightRegion == EnsembleSettings.WeightRegion.ALL ? ""
            : ", weights on " + weightRegion.name().toLowerCase(Locale.ROOT) + " pixels",
        metaWarmup == 0 ? "" : ", meta-weighting from step " + metaWarmup,
        averageDecay == 0 ? "" : ", weights averaged with decay " + averageDecay,
        optimizer == Optimizer.MOMENTUM ? "" : ", " + optimizer.id(), selection,
        noiseDraw == NoiseDraw.PER_IMAGE ? "" : ", " + noiseDraw.describe());
  }
}
