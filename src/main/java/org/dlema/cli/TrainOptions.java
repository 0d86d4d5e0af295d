package org.dlema.cli;

import java.util.List;
import org.dlema.data.partition.PartitionRule;
import org.dlema.experiment.Budget;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.LearningRateSchedule;
import org.dlema.train.Method;
import org.dlema.train.Optimizer;
import org.dlema.train.SelectOn;
import org.dlema.train.TrainingSettings;
import org.dlema.train.TrainingTargets;

/**
 * The options of {@code dlema train}, each declared once ({@link Declared}): its help, its default and the methods it
 * applies to. Defaults that the budget decides say so in their help and have none here.
 */
final class TrainOptions {
  private TrainOptions() {}

  static final Declared<Method> METHOD = Declared.valued("method", "NAME", "training method: baseline; dlema (an "
      + "ensemble of members with learned per-pixel weights); less-is-more (baseline on the images whose annotators "
      + "agree); staple (baseline on each image's STAPLE consensus); mc-dropout (the network with dropout kept at "
      + "inference, on one member's subset)", Method.BASELINE);
  static final Declared<String> DATA = Declared.valued("data", "DIR", "the dataset (folder or manifest)", null);
  static final Declared<String> SPEC = Declared.valued("spec", "SPEC", "network spec: a JSON file or a name from "
      + "graphs/", SpecFiles.DEFAULT);
  static final Declared<String> BUDGET = Declared.valued("budget", "NAME", "the recipe that every option below "
      + "starts from; an option given overrides it: " + Budget.help(), Budget.DEFAULT);
  static final Declared<Integer> STEPS = Declared.valued("steps", "N", "optimisation steps (default: the budget's; "
      + "a D-LEMA member's meta warm-up keeps its share of them)", null);
  static final Declared<Integer> EPOCHS = Declared.valued("epochs", "N", "passes over the training images instead "
      + "of --steps", null);
  static final Declared<String> OUT = Declared.valued("out", "DIR", "run folder (default: runs/<method>)", null);
  static final Declared<Boolean> RESUME = Declared.flag("resume", "continue the run in --out from its latest "
      + "checkpoint (with its own settings; --steps may raise the total)");
  static final Declared<Integer> BATCH = Declared.valued("batch", "N", "batch size (default: the budget's)", null);
  static final Declared<Double> LR = Declared.valued("lr", "X", "learning rate (default: the budget's)", null);
  static final Declared<Optimizer> OPTIMIZER = Declared.valued("optimizer", "NAME", "the real update: momentum (the "
      + "paper's SGD with --momentum) or adam (beta1 " + Optimizer.ADAM_BETA1 + ", beta2 " + Optimizer.ADAM_BETA2
      + ", epsilon " + Optimizer.ADAM_EPSILON + ": every parameter moves at the learning rate however small its "
      + "gradient, as on small objects) (default: the budget's, momentum in every budget)", null);
  static final Declared<Double> MOMENTUM = Declared.valued("momentum", "X", "SGD momentum",
      TrainingSettings.DEFAULT_MOMENTUM);
  static final Declared<SelectOn> SELECT_ON = Declared.valued("select-on", "NAME", "what chooses the best checkpoint: "
      + "annotations (the validation Jaccard against every annotation, the paper's), reference (the mean per-image "
      + "Jaccard against the reference masks, where the data keeps them: an empty prediction does not score on "
      + "empty annotations) or pooled-reference (every validation pixel in one Jaccard against the reference masks: "
      + "an empty prediction scores 0) (default: the budget's)", null);
  static final Declared<Double> WEIGHT_DECAY = Declared.valued("weight-decay", "X", "L2 weight decay",
      TrainingSettings.DEFAULT_WEIGHT_DECAY);
  static final Declared<Integer> MC_SAMPLES = Declared.valued("mc-samples", "T", "Monte Carlo samples of the "
      + "logits in the aleatoric loss", TrainingSettings.DEFAULT_MC_SAMPLES);
  static final Declared<NoiseDraw> MC_NOISE = Declared.valued("mc-noise", "NAME", "how the aleatoric loss's noise "
      + "is drawn: per-image (the paper's, T maps for each image) or shared (T maps per step for the whole batch: "
      + "each image's loss keeps its distribution, the step draws a batch-th of the numbers and its mean loss varies "
      + "more) (default: the budget's, per-image in every budget)", null);
  static final Declared<Long> SEED = Declared.seed("seed of the split, initial weights, batches and noise");
  static final Declared<Double> VALIDATION_FRACTION = Declared.valued("validation-fraction", "X", "share of images "
      + "held out for validation", TrainingSettings.DEFAULT_VALIDATION_FRACTION);
  static final Declared<String> GROUP_BY = Declared.valued("group-by", "REGEX", OptionsCommand.GROUP_BY_HELP, null);
  static final Declared<Integer> VALIDATE_EVERY = Declared.valued("validate-every", "N", "steps between validations "
      + "(default: the budget's, or --steps when fewer)", null);
  static final Declared<Integer> CHECKPOINT_EVERY = Declared.valued("checkpoint-every", "N", "steps between "
      + "checkpoints (default: the budget's, or --steps when fewer)", null);
  static final Declared<Double> MIN_KAPPA = Declared.valued("min-kappa", "X", "leave out training images whose mean "
      + "pairwise Cohen's kappa is below X", TrainingTargets.DEFAULT_MIN_KAPPA).only(Method.LESS_IS_MORE);
  static final Declared<Integer> SUBSET = Declared.valued("subset", "I", "train on the subset C^I that D-LEMA member "
      + "I trusts (with --members M and the same --seed as the D-LEMA run)", (Integer) null).only(Method.MC_DROPOUT);
  static final Declared<Double> DROPOUT = Declared.valued("dropout", "P", "dropout probability",
      NetworkSpec.PAPER_DROPOUT).only(Method.MC_DROPOUT);
  static final Declared<Integer> DROPOUT_LAYERS = Declared.valued("dropout-layers", "N", "dropout layers, from the "
      + "network's centre outwards", NetworkSpec.PAPER_DROPOUT_LAYERS).only(Method.MC_DROPOUT);
  static final Declared<Integer> MC_PASSES = Declared.valued("mc-passes", "N", "stochastic passes averaged at "
      + "inference", NetworkSpec.PAPER_MC_PASSES).only(Method.MC_DROPOUT);
  static final Declared<Integer> MEMBERS = Declared.valued("members", "M", "ensemble size, one member per "
      + "non-contradictory subset (default: the largest annotation count of the training images)", (Integer) null)
      .only(Method.DLEMA, Method.MC_DROPOUT);
  static final Declared<Integer> MEMBER = Declared.valued("member", "I", "train only member I (1..M), e.g. one "
      + "member per machine; the run's shared files are made by whichever member starts first", (Integer) null)
      .only(Method.DLEMA);
  static final Declared<Integer> CLEAN_BATCH = Declared.valued("clean-batch", "N", "images per clean batch from the "
      + "member's subset (default: the budget's; the paper's is " + EnsembleSettings.PAPER_CLEAN_BATCH + ")",
      (Integer) null).only(Method.DLEMA);
  static final Declared<EnsembleSettings.CleanLoss> CLEAN_LOSS = Declared.valued("clean-loss", "NAME",
      "cross-entropy (eq. 1) or aleatoric", EnsembleSettings.CleanLoss.CROSS_ENTROPY).only(Method.DLEMA);
  static final Declared<PartitionRule> PARTITION_RULE = Declared.valued("partition-rule", "RULE", "uniform or prefix",
      PartitionRule.UNIFORM).only(Method.DLEMA);
  static final Declared<Integer> WEIGHT_SAMPLES = Declared.valued("weight-samples", "N", "training images whose "
      + "weight maps are kept for figures", EnsembleSettings.DEFAULT_WEIGHT_SAMPLES).only(Method.DLEMA);
  static final Declared<Integer> SIDE_BY_SIDE = Declared.valued("side-by-side", "N", "members trained at the same "
      + "time, each on its own threads (their weights are the same as trained one after another; 2 with at least "
      + "two cores, else 1)", EnsembleRun.defaultSideBySide()).only(Method.DLEMA);
  static final Declared<String> SCHEDULE = Declared.valued("schedule", "NAME", "learning-rate schedule: constant "
      + "(the paper's) or cosine (linear warm-up over --warmup steps, then cosine decay to --lr-floor times --lr) "
      + "(default: the budget's, constant in every budget)", null);
  static final Declared<Integer> WARMUP = Declared.valued("warmup", "N", "steps of linear learning-rate warm-up "
      + "(default: the budget's)", null);
  static final Declared<Double> LR_FLOOR = Declared.valued("lr-floor", "X", "cosine: the final rate as a fraction of "
      + "--lr", LearningRateSchedule.DEFAULT_FLOOR);
  static final Declared<Double> EMA = Declared.valued("ema", "D", "keep an exponential moving average of the "
      + "weights, decay D per step (e.g. 0.995: about the last 200 steps); validation, model selection, "
      + "checkpoints' served weights and exports use the average (default 0: none, every budget's)", null);
  static final Declared<String> AUGMENT = Declared.valued("augment", "NAME", "training augmentation: none (the "
      + "paper's), standard (flips, quarter turns, zoom 0.9-1.1, shift 5%, brightness, contrast and hue jitter), "
      + "geometric (the same without the colour changes) or dihedral (flips and quarter turns only); one transform "
      + "per image, applied to its masks too (default: the budget's)", null);
  static final Declared<EnsembleSettings.Weighting> WEIGHTING = Declared.valued("weighting", "NAME", "per-pixel "
      + "weights, meta (the paper's learned weights), sign (the same selection, every selected pixel weighing the "
      + "same) or uniform (every pixel the same: an ensemble of unweighted members on the same subsets and seeds)",
      EnsembleSettings.Weighting.META).only(Method.DLEMA);
  static final Declared<EnsembleSettings.WeightNormalization> WEIGHT_NORMALIZATION = Declared.valued(
      "weight-normalization", "NAME", "what the weights sum to one over, batch (the paper's) or "
      + "image", EnsembleSettings.WeightNormalization.BATCH).only(Method.DLEMA);
  static final Declared<EnsembleSettings.WeightRegion> WEIGHT_REGION = Declared.valued("weight-region", "NAME",
      "where weights are learned, all (the paper's, every pixel) or disputed (learned weights only where the "
      + "image's annotations disagree, every other pixel weighing as in the plain loss) (default: the budget's)",
      (EnsembleSettings.WeightRegion) null).only(Method.DLEMA);
  static final Declared<Double> PLAIN_SHARE = Declared.valued("plain-share", "X", "share of the unweighted "
      + "mean loss mixed into the weighted loss, 0-1", 0.0).only(Method.DLEMA);
  static final Declared<Integer> META_WARMUP = Declared.valued("meta-warmup", "N", "steps trained with "
      + "uniform weights before the meta-weighting starts (default: the budget's)", (Integer) null)
      .only(Method.DLEMA);
  static final Declared<EnsembleSettings.CleanSource> CLEAN_SOURCE = Declared.valued("clean-source", "NAME",
      "the clean batch, separate (the paper's draw from C^i) or noisy-first (the noisy batch's own images with "
      + "their trusted annotations first)", EnsembleSettings.CleanSource.SEPARATE).only(Method.DLEMA);
  static final Declared<String> INIT_FROM = Declared.valued("init-from", "DIR", "a checkpoint folder the "
      + "members start from, e.g. a trained baseline's RUN/checkpoints/best (default: random initial weights)",
      (String) null).only(Method.DLEMA);

  /** Every option, in the order {@code --help} lists them. */
  static final List<Declared<?>> ALL = List.of(METHOD, DATA, SPEC, BUDGET, STEPS, EPOCHS, OUT, RESUME, BATCH, LR,
      OPTIMIZER, MOMENTUM, SELECT_ON, WEIGHT_DECAY, MC_SAMPLES, MC_NOISE, SEED, VALIDATION_FRACTION, GROUP_BY,
      VALIDATE_EVERY, CHECKPOINT_EVERY, MIN_KAPPA, SUBSET, DROPOUT, DROPOUT_LAYERS, MC_PASSES, MEMBERS, MEMBER,
      CLEAN_BATCH, CLEAN_LOSS, PARTITION_RULE, WEIGHT_SAMPLES, SIDE_BY_SIDE, SCHEDULE, WARMUP, LR_FLOOR, EMA, AUGMENT,
      WEIGHTING, WEIGHT_NORMALIZATION, WEIGHT_REGION, PLAIN_SHARE, META_WARMUP, CLEAN_SOURCE, INIT_FROM);

  /** The options that may be given with {@code --resume}: the run keeps every other setting in its config. */
  static final List<Declared<?>> RESUMABLE = List.of(RESUME, OUT, STEPS, MEMBER, SIDE_BY_SIDE);
}
