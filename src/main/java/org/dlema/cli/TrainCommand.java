package org.dlema.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.data.augment.AugmentationSettings;
import org.dlema.data.partition.PartitionRule;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.experiment.Budget;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.LearningCheck;
import org.dlema.train.LearningRateSchedule;
import org.dlema.train.Method;
import org.dlema.train.Optimizer;
import org.dlema.train.RunConfig;
import org.dlema.train.SelectOn;
import org.dlema.train.Trainer;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingSettings;
import org.dlema.train.TrainingTargets;

/** {@code dlema train}: one training run into a run folder. */
final class TrainCommand extends OptionsCommand {
  TrainCommand() {
    super("train");
  }

  @Override
  public String summary() {
    return "train a segmentation network or a D-LEMA ensemble on a multi-annotator dataset";
  }

  @Override
  String description() {
    return "Checks the data, splits the images 80/20 (seeded), computes the normalisation statistics of the "
        + "training images, then trains a LinkNet with the aleatoric loss (paper eq. 5) using momentum SGD with "
        + "weight decay. Method 'baseline' (paper Table 1 row A) draws one of each image's annotations at random "
        + "for every batch; 'less-is-more' (row J, Ribeiro et al. 2020) first leaves out the training images whose "
        + "mean pairwise Cohen's kappa is below --min-kappa; 'staple' trains on each image's STAPLE consensus "
        + "(Warfield et al. 2004); 'mc-dropout' (Table 2) trains the network with dropout layers on the subset "
        + "C^I that D-LEMA member I trusts and averages --mc-passes stochastic passes at inference; 'dlema' trains "
        + "the ensemble's members (members/<i>/). The run folder gets "
        + "config.json, split.json, normalization.json, training-set.json, metrics.jsonl, "
        + "TensorBoard event files and checkpoints/{latest,best,final}. Kill it at any time: --resume continues "
        + "from the latest checkpoint and ends bit-identical to an uninterrupted run.";
  }

  @Override
  String footer() {
    return "Example: dlema train --method baseline --data data/isic-sim --steps 3000 --out runs/baseline";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("method", "NAME", "training method: baseline; dlema (an ensemble of members with "
        + "learned per-pixel weights); less-is-more (baseline on the images whose annotators agree); staple "
        + "(baseline on each image's STAPLE consensus); mc-dropout (the network with dropout kept at inference, "
        + "on one member's subset) (default baseline)"));
    options.addOption(valued("data", "DIR", "the dataset (folder or manifest)"));
    options.addOption(valued("spec", "SPEC", "network spec: a JSON file or a name from graphs/ (default "
        + SpecFiles.DEFAULT + ")"));
    options.addOption(valued("budget", "NAME", "the recipe that every option below starts from; an option given "
        + "overrides it: " + Budget.help()));
    options.addOption(valued("steps", "N", "optimisation steps (default: the budget's; a D-LEMA member's "
        + "meta warm-up keeps its share of them)"));
    options.addOption(valued("epochs", "N", "passes over the training images instead of --steps"));
    options.addOption(valued("out", "DIR", "run folder (default runs/<method>)"));
    options.addOption(flag("resume", "continue the run in --out from its latest checkpoint (with its own settings;"
        + " --steps may raise the total)"));
    options.addOption(valued("batch", "N", "batch size (default: the budget's)"));
    options.addOption(valued("lr", "X", "learning rate (default: the budget's)"));
    options.addOption(valued("optimizer", "NAME", "the real update: momentum (the paper's SGD with --momentum) or "
        + "adam (beta1 " + Optimizer.ADAM_BETA1 + ", beta2 " + Optimizer.ADAM_BETA2 + ", epsilon "
        + Optimizer.ADAM_EPSILON + ": every parameter moves at the learning rate however small its gradient, as on "
        + "small objects) (default: the budget's, momentum in every budget)"));
    options.addOption(valued("momentum", "X", "SGD momentum (default " + TrainingSettings.DEFAULT_MOMENTUM + ")"));
    options.addOption(valued("select-on", "NAME", "what chooses the best checkpoint: annotations (the validation "
        + "Jaccard against every annotation, the paper's), reference (the mean per-image Jaccard against the "
        + "reference masks, where the data keeps them: an empty prediction does not score on empty annotations) or "
        + "pooled-reference (every validation pixel in one Jaccard against the reference masks: an empty prediction "
        + "scores 0) (default: the budget's)"));
    options.addOption(valued("weight-decay", "X", "L2 weight decay (default "
        + TrainingSettings.DEFAULT_WEIGHT_DECAY + ")"));
    options.addOption(valued("mc-samples", "T", "Monte Carlo samples of the logits in the aleatoric loss (default "
        + TrainingSettings.DEFAULT_MC_SAMPLES + ")"));
    options.addOption(valued("seed", "N", "seed of the split, initial weights, batches and noise (default 1)"));
    options.addOption(valued("validation-fraction", "X", "share of images held out for validation (default "
        + TrainValidationSplit.DEFAULT_VALIDATION_FRACTION + ")"));
    options.addOption(valued("group-by", "REGEX", GROUP_BY_HELP));
    options.addOption(valued("validate-every", "N", "steps between validations (default: the budget's, or "
        + "--steps when fewer)"));
    options.addOption(valued("checkpoint-every", "N", "steps between checkpoints (default: the budget's, or "
        + "--steps when fewer)"));
    options.addOption(valued("min-kappa", "X", "less-is-more: leave out training images whose mean pairwise "
        + "Cohen's kappa is below X (default " + TrainingTargets.DEFAULT_MIN_KAPPA + ")"));
    options.addOption(valued("subset", "I", "mc-dropout: train on the subset C^I that D-LEMA member I trusts "
        + "(with --members M and the same --seed as the D-LEMA run)"));
    options.addOption(valued("dropout", "P", "mc-dropout: dropout probability (default " + NetworkSpec.PAPER_DROPOUT
        + ")"));
    options.addOption(valued("dropout-layers", "N", "mc-dropout: dropout layers, from the network's centre "
        + "outwards (default " + NetworkSpec.PAPER_DROPOUT_LAYERS + ")"));
    options.addOption(valued("mc-passes", "N", "mc-dropout: stochastic passes averaged at inference (default "
        + NetworkSpec.PAPER_MC_PASSES + ")"));
    options.addOption(valued("members", "M", "dlema and mc-dropout: ensemble size, one member per "
        + "non-contradictory subset "
        + "(default: the largest annotation count of the training images)"));
    options.addOption(valued("member", "I", "dlema: train only member I (1..M), e.g. one member per machine; the "
        + "run's shared files are made by whichever member starts first"));
    options.addOption(valued("clean-batch", "N", "dlema: images per clean batch from the member's subset "
        + "(default: the budget's; the paper's is " + EnsembleSettings.PAPER_CLEAN_BATCH + ")"));
    options.addOption(valued("clean-loss", "NAME", "dlema: cross-entropy (eq. 1, default) or aleatoric"));
    options.addOption(valued("partition-rule", "RULE", "dlema: uniform (default) or prefix"));
    options.addOption(valued("weight-samples", "N", "dlema: training images whose weight maps are kept for "
        + "figures (default " + EnsembleSettings.DEFAULT_WEIGHT_SAMPLES + ")"));
    options.addOption(valued("side-by-side", "N", "dlema: members trained at the same time, each on its own "
        + "threads (their weights are the same as trained one after another) (default "
        + EnsembleRun.defaultSideBySide() + " on this machine: 2 with at least two cores, else 1)"));
    options.addOption(valued("schedule", "NAME", "learning-rate schedule: constant (the paper's) or cosine "
        + "(linear warm-up over --warmup steps, then cosine decay to --lr-floor times --lr) (default: the budget's, "
        + "constant in every budget)"));
    options.addOption(valued("warmup", "N", "steps of linear learning-rate warm-up (default: the budget's)"));
    options.addOption(valued("lr-floor", "X", "cosine: the final rate as a fraction of --lr (default "
        + LearningRateSchedule.DEFAULT_FLOOR + ")"));
    options.addOption(valued("ema", "D", "keep an exponential moving average of the weights, decay D per step "
        + "(e.g. 0.995: about the last 200 steps); validation, model selection, checkpoints' served weights and "
        + "exports use the average (default 0: none, every budget's)"));
    options.addOption(valued("augment", "NAME", "training augmentation: none (the paper's), standard (flips, "
        + "quarter turns, zoom 0.9-1.1, shift 5%, brightness, contrast and hue jitter), geometric (the same "
        + "without the colour changes) or dihedral (flips and quarter turns only); one transform per image, applied "
        + "to its masks too (default: the budget's)"));
    options.addOption(valued("weighting", "NAME", "dlema variant: meta (the paper's learned weights), sign "
        + "(the same selection, every selected pixel weighing the same) or uniform (every pixel the same: an "
        + "ensemble of unweighted members on the same subsets and seeds) (default meta)"));
    options.addOption(valued("weight-normalization", "NAME", "dlema variant: batch (the paper's: weights sum to "
        + "one over the batch) or image (over each image) (default batch)"));
    options.addOption(valued("weight-region", "NAME", "dlema variant: all (the paper's: learned weights on every "
        + "pixel) or disputed (learned weights only where the image's annotations disagree, every other pixel "
        + "weighing as in the plain loss) (default: the budget's)"));
    options.addOption(valued("plain-share", "X", "dlema variant: share of the unweighted mean loss mixed into the "
        + "weighted loss, 0-1 (default 0)"));
    options.addOption(valued("meta-warmup", "N", "dlema variant: steps trained with uniform weights before the "
        + "meta-weighting starts (default: the budget's)"));
    options.addOption(valued("clean-source", "NAME", "dlema variant: separate (the paper's draw from C^i) or "
        + "noisy-first (the noisy batch's own images with their trusted annotations first) (default separate)"));
    options.addOption(valued("init-from", "DIR", "dlema variant: a checkpoint folder the members start from, e.g. "
        + "a trained baseline's RUN/checkpoints/best (default: random initial weights)"));
    return options;
  }

  @Override
  String defaultOut(CommandLine line) {
    return "runs/" + line.getOptionValue("method", Method.BASELINE.id());
  }

  @Override
  boolean trainsRuns() {
    return true;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    long started = System.nanoTime();
    Method method = methodOption(line);
    Path out = outputFolder(line);
    if (line.hasOption("steps") && line.hasOption("epochs")) {
      throw new UsageException("give --steps or --epochs, not both");
    }
    if (line.hasOption("resume")) {
      for (var option : line.getOptions()) {
        if (!List.of("resume", "out", "steps", "member", "side-by-side").contains(option.getLongOpt())) {
          throw new UsageException("--" + option.getLongOpt() + " cannot change a run being resumed; with --resume "
              + "only --out and --steps apply (the run keeps the settings in its config.json)");
        }
      }
      Integer steps = line.hasOption("steps") ? intOption(line, "steps", 0, 1) : null;
      RunConfig config = RunConfig.read(out);
      if (config.ensemble() != null) {
        TrainingSettings settings = steps == null ? config.settings() : config.settings().withSteps(steps);
        return reportEnsemble(EnsembleRun.train(config.data(), config.spec(), settings, config.ensemble(), out,
            memberOption(line), intOption(line, "side-by-side", EnsembleRun.defaultSideBySide(), 1),
            console.err()), out, memberOption(line), started, console);
      }
      return report(TrainingRun.resume(out, steps, console.err()), out, console);
    }
    checkMethodOptions(line, method);
    Path data = dataOption(line);
    NetworkSpec spec = SpecFiles.load(line.getOptionValue("spec", SpecFiles.DEFAULT));
    Budget budget = budget(line, data);
    TrainingSettings settings = settings(line, method, budget);
    // The average starts at the initial weights; with too slow a decay they are still part of it at the end.
    double kept = Math.pow(settings.averageDecay(), settings.steps());
    if (kept > 0.05) {
      console.err().printf(Locale.ROOT, "dlema: warning: with --ema %s over %d steps the initial weights are still "
          + "%.0f%% of the final average; a smaller decay forgets them%n", settings.averageDecay(), settings.steps(),
          100 * kept);
    }
    EnsembleSettings ensemble = method == Method.DLEMA ? ensembleSettings(line, budget) : null;
    console.err().println(recipe(line, method, spec, settings, ensemble));
    if (method == Method.DLEMA) {
      return reportEnsemble(EnsembleRun.train(data, spec, settings, ensemble, out, memberOption(line),
          intOption(line, "side-by-side", EnsembleRun.defaultSideBySide(), 1), console.err()), out,
          memberOption(line), started, console);
    }
    TrainingTargets.Options options = new TrainingTargets.Options(doubleOption(line, "min-kappa",
        TrainingTargets.DEFAULT_MIN_KAPPA, -1, 1), intOption(line, "subset", 1, 1), intOption(line, "members", 1, 1));
    if (method == Method.MC_DROPOUT) {
      spec = dropoutSpec(line, spec, options);
    }
    return report(TrainingRun.start(data, spec, settings, options, out, console.err()), out, console);
  }

  /** The run's recipe in one line: the budget it started from and the settings that matter most. */
  private static String recipe(CommandLine line, Method method, NetworkSpec spec, TrainingSettings settings,
      EnsembleSettings ensemble) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "recipe: %s with %s, budget %s: %d steps of "
        + "batch %d, %s lr %s", method.id(), spec.name(), line.getOptionValue("budget", Budget.DEFAULT),
        settings.steps(), settings.batchSize(), settings.optimizer().id(), settings.learningRate()));
    if (settings.schedule().warmupSteps() > 0) {
      s.append(" after a ").append(settings.schedule().warmupSteps()).append("-step warm-up");
    }
    s.append(", augmentation ").append(settings.augmentation().describe());
    if (ensemble != null) {
      s.append(", clean batch ").append(ensemble.cleanBatch()).append(", weights on ")
          .append(ensemble.weightRegion().name().toLowerCase(Locale.ROOT)).append(" pixels");
      if (ensemble.metaWarmup() > 0) {
        s.append(" from step ").append(ensemble.metaWarmup());
      }
    }
    return s.toString();
  }

  private static Method methodOption(CommandLine line) throws UsageException {
    try {
      return Method.parse(line.getOptionValue("method", Method.BASELINE.id()));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--method: " + e.getMessage());
    }
  }

  /** Options that belong to one method are refused with another. */
  private static void checkMethodOptions(CommandLine line, Method method) throws UsageException {
    if (line.hasOption("min-kappa") && method != Method.LESS_IS_MORE) {
      throw new UsageException("--min-kappa applies to --method less-is-more only");
    }
    for (String option : List.of("subset", "dropout", "dropout-layers", "mc-passes")) {
      if (line.hasOption(option) && method != Method.MC_DROPOUT) {
        throw new UsageException("--" + option + " applies to --method mc-dropout only");
      }
    }
    if (method != Method.DLEMA) {
      for (String option : List.of("members", "member", "clean-batch", "clean-loss", "partition-rule",
          "weight-samples", "side-by-side", "weighting", "weight-normalization", "weight-region", "plain-share",
          "meta-warmup", "clean-source", "init-from")) {
        if (line.hasOption(option) && !(option.equals("members") && method == Method.MC_DROPOUT)) {
          throw new UsageException("--" + option + " applies to --method dlema only");
        }
      }
    }
  }

  /** The budget with the step count asked for (by --steps or --epochs), its interval and meta warm-up fitted to it. */
  private static Budget budget(CommandLine line, Path data) throws UsageException {
    Budget budget = budgetOption(line);
    int batch = intOption(line, "batch", budget.batch(), 1);
    int steps = intOption(line, "steps", budget.steps(), 1);
    if (line.hasOption("epochs")) {
      double validationFraction = doubleOption(line, "validation-fraction",
          TrainingSettings.DEFAULT_VALIDATION_FRACTION, 0.01, 0.9);
      int images = DatasetReader.read(data, ReadOptions.strict()).size();
      int trainImages = images - (int) Math.round(images * validationFraction);
      steps = (int) Math.ceil((double) intOption(line, "epochs", 1, 1) * trainImages / batch);
    }
    return steps == budget.steps() ? budget : budget.withSteps(steps);
  }

  private static TrainingSettings settings(CommandLine line, Method method, Budget budget) throws UsageException {
    TrainingSettings base = budget.settings(method, longOption(line, "seed", 1));
    return base.toBuilder().batchSize(intOption(line, "batch", budget.batch(), 1))
        .learningRate(doubleOption(line, "lr", budget.learningRate(), 1e-12, 100))
        .momentum(doubleOption(line, "momentum", TrainingSettings.DEFAULT_MOMENTUM, 0, 0.999999))
        .weightDecay(doubleOption(line, "weight-decay", TrainingSettings.DEFAULT_WEIGHT_DECAY, 0, 1))
        .mcSamples(intOption(line, "mc-samples", TrainingSettings.DEFAULT_MC_SAMPLES, 1))
        .validationFraction(doubleOption(line, "validation-fraction",
            TrainingSettings.DEFAULT_VALIDATION_FRACTION, 0.01, 0.9))
        .groupBy(groupByOption(line))
        .validateEvery(intOption(line, "validate-every", base.validateEvery(), 1))
        .checkpointEvery(intOption(line, "checkpoint-every", base.checkpointEvery(), 1))
        .schedule(schedule(line, base.schedule())).augmentation(augmentation(line, base.augmentation()))
        .averageDecay(averageDecayOption(line, base.averageDecay()))
        .optimizer(choice(line, "optimizer", base.optimizer(), Optimizer.values()))
        .selectOn(choice(line, "select-on", base.selectOn(), SelectOn.values())).build();
  }

  /** The budget's schedule unless an option changes it; --warmup alone keeps the budget's decay. */
  private static LearningRateSchedule schedule(CommandLine line, LearningRateSchedule budget)
      throws UsageException {
    if (!line.hasOption("schedule") && !line.hasOption("warmup") && !line.hasOption("lr-floor")) {
      return budget;
    }
    int warmup = intOption(line, "warmup", budget.warmupSteps(), 0);
    String decay = budget.decay() == LearningRateSchedule.Decay.CONSTANT ? "constant" : "cosine";
    return switch (line.getOptionValue("schedule", decay)) {
      case "constant" -> {
        if (line.hasOption("lr-floor")) {
          throw new UsageException("--lr-floor applies to --schedule cosine only");
        }
        yield new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, warmup, 1);
      }
      case "cosine" -> LearningRateSchedule.cosine(warmup, doubleOption(line, "lr-floor",
          LearningRateSchedule.DEFAULT_FLOOR, 0, 1));
      default -> throw new UsageException("--schedule must be constant or cosine, got '"
          + line.getOptionValue("schedule") + "'");
    };
  }

  private static AugmentationSettings augmentation(CommandLine line, AugmentationSettings budget)
      throws UsageException {
    if (!line.hasOption("augment")) {
      return budget;
    }
    try {
      return AugmentationSettings.parse(line.getOptionValue("augment"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--augment: " + e.getMessage());
    }
  }

  private static EnsembleSettings ensembleSettings(CommandLine line, Budget budget) throws UsageException {
    EnsembleSettings.CleanLoss cleanLoss = switch (line.getOptionValue("clean-loss", "cross-entropy")) {
      case "cross-entropy" -> EnsembleSettings.CleanLoss.CROSS_ENTROPY;
      case "aleatoric" -> EnsembleSettings.CleanLoss.ALEATORIC;
      default -> throw new UsageException("--clean-loss must be cross-entropy or aleatoric, got '"
          + line.getOptionValue("clean-loss") + "'");
    };
    PartitionRule rule;
    try {
      rule = PartitionRule.parse(line.getOptionValue("partition-rule", PartitionRule.UNIFORM.id()));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--partition-rule: " + e.getMessage());
    }
    // 0 members: as many as the largest annotation count, decided by the run.
    int members = line.hasOption("members") ? intOption(line, "members", 1, 1) : 0;
    Path initial = line.hasOption("init-from") ? Path.of(line.getOptionValue("init-from")) : null;
    if (initial != null && !Files.isRegularFile(initial.resolve("model.index"))) {
      throw new UsageException("--init-from: " + initial + " is not a checkpoint folder (no model.index; e.g. "
          + "RUN/checkpoints/best)");
    }
    int cleanBatch = intOption(line, "clean-batch", budget.cleanBatch(), 1);
    EnsembleSettings.Builder variant = EnsembleSettings.paper(members, cleanBatch).toBuilder()
        .cleanLoss(cleanLoss).partitionRule(rule)
        .weightSamples(intOption(line, "weight-samples", EnsembleSettings.DEFAULT_WEIGHT_SAMPLES, 0))
        .weighting(choice(line, "weighting", EnsembleSettings.Weighting.META, EnsembleSettings.Weighting.values()))
        .weightNormalization(choice(line, "weight-normalization", EnsembleSettings.WeightNormalization.BATCH,
            EnsembleSettings.WeightNormalization.values()))
        .plainShare(doubleOption(line, "plain-share", 0, 0, 1))
        .metaWarmup(intOption(line, "meta-warmup", budget.metaWarmup(), 0))
        .cleanSource(choice(line, "clean-source", EnsembleSettings.CleanSource.SEPARATE,
            EnsembleSettings.CleanSource.values())).initialCheckpoint(initial)
        .weightRegion(choice(line, "weight-region", budget.weightRegion(),
            EnsembleSettings.WeightRegion.values()));
    try {
      return variant.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--weight-region disputed with --weight-normalization image: " + e.getMessage());
    }
  }

  private static NetworkSpec dropoutSpec(CommandLine line, NetworkSpec spec, TrainingTargets.Options options)
      throws UsageException {
    if (!line.hasOption("subset") || !line.hasOption("members")) {
      throw new UsageException("--method mc-dropout needs --subset I and --members M (the subset C^I of the "
          + "partition into M that D-LEMA member I trusts)");
    }
    if (options.subset() > options.subsets()) {
      throw new UsageException("--subset must be between 1 and --members " + options.subsets() + ", got "
          + options.subset());
    }
    int layers = intOption(line, "dropout-layers", NetworkSpec.PAPER_DROPOUT_LAYERS, 1);
    if (layers > LinkNet.DROPOUT_SITES.size()) {
      throw new UsageException("--dropout-layers must be at most " + LinkNet.DROPOUT_SITES.size() + ", got "
          + layers);
    }
    return spec.withDropout(doubleOption(line, "dropout", NetworkSpec.PAPER_DROPOUT, 1e-6, 0.99), layers,
        intOption(line, "mc-passes", NetworkSpec.PAPER_MC_PASSES, 1));
  }

  private static Integer memberOption(CommandLine line) throws UsageException {
    return line.hasOption("member") ? intOption(line, "member", 1, 1) : null;
  }

  /** A single network's result on standard output, and on standard error what it says about learning. */
  private static int report(Trainer.Outcome outcome, Path out, Console console) throws IOException {
    if (outcome.diverged()) {
      console.err().println("dlema: error: training diverged after " + outcome.steps() + " steps; see " + out
          + "; start a new run with a lower --lr or a smaller --momentum");
      return Main.FAILED;
    }
    console.out().println("done: " + result(outcome, against(out)) + "; " + out);
    LearningCheck.of(out).ifPresent(w -> console.err().println("dlema: warning: " + w));
    return 0;
  }

  /** One line per member (named), then the ensemble's: every member's best score and the time. */
  private static int reportEnsemble(List<Trainer.Outcome> outcomes, Path out, Integer only, long started,
      Console console) throws IOException {
    int failed = 0;
    String against = against(out);
    for (int k = 0; k < outcomes.size(); k++) {
      Trainer.Outcome outcome = outcomes.get(k);
      int member = only != null ? only : k + 1;
      Path run = EnsembleRun.member(out, member);
      if (outcome.diverged()) {
        console.err().println("dlema: error: member " + member + " diverged after " + outcome.steps() + " steps; "
            + "see " + run + "; start a new run with a lower --lr or a smaller --momentum");
        failed++;
        continue;
      }
      console.out().println("member " + member + " done: " + result(outcome, against) + "; " + run);
      Optional<String> warning = LearningCheck.of(run);
      if (warning.isPresent()) {
        console.err().println("dlema: warning: member " + member + ": " + warning.get());
      }
    }
    if (only == null && outcomes.size() > 1) {
      console.out().printf(Locale.ROOT, "ensemble done: %d members, best validation Jaccard %s, %.1f min; %s%n",
          outcomes.size(), String.join(", ", outcomes.stream().map(o -> String.format(Locale.ROOT, "%.2f%%",
              100 * o.bestJaccard())).toList()), (System.nanoTime() - started) / 60e9, out);
    }
    return failed > 0 ? Main.FAILED : 0;
  }

  /** How the result line names the selection's score: "" for the annotations, else what the reference rule did. */
  private static String against(Path run) throws IOException {
    SelectOn selectOn = RunConfig.read(run).settings().selectOn();
    return selectOn.onReference() && TrainingRun.validationHasReferences(run) ? selectOn.against() : "";
  }

  /** The outcome in one line; the best score is the one model selection used, named as such. */
  private static String result(Trainer.Outcome outcome, String against) {
    // A run resumed after its last step takes no step: there is no median to give.
    String median = Double.isNaN(outcome.medianStepSeconds()) ? ""
        : String.format(Locale.ROOT, ", median step %.0f ms", 1000 * outcome.medianStepSeconds());
    return String.format(Locale.ROOT, "%d steps, best validation Jaccard %.2f%%%s at step %d%s",
        outcome.steps(), 100 * outcome.bestJaccard(), against, outcome.bestStep(), median);
  }
}
