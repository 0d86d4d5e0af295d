package org.dlema.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.data.augment.AugmentationSettings;
import org.dlema.data.partition.PartitionRule;
import org.dlema.experiment.Budget;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
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
    return Declared.options(TrainOptions.ALL);
  }

  @Override
  String defaultOut(CommandLine line) {
    return "runs/" + TrainOptions.METHOD.text(line);
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
    if (TrainOptions.STEPS.given(line) && TrainOptions.EPOCHS.given(line)) {
      throw new UsageException("give --steps or --epochs, not both");
    }
    if (TrainOptions.RESUME.given(line)) {
      List<String> resumable = TrainOptions.RESUMABLE.stream().map(Declared::name).toList();
      for (var option : line.getOptions()) {
        if (!resumable.contains(option.getLongOpt())) {
          throw new UsageException("--" + option.getLongOpt() + " cannot change a run being resumed; with --resume "
              + "only " + resumable.stream().filter(o -> !o.equals(TrainOptions.RESUME.name())).map(o -> "--" + o)
              .collect(Collectors.joining(", ")) + " apply (the run keeps the settings in its config.json)");
        }
      }
      Integer steps = TrainOptions.STEPS.given(line) ? TrainOptions.STEPS.integer(line, 0, 1) : null;
      RunConfig config = RunConfig.read(out);
      if (config.ensemble() != null) {
        TrainingSettings settings = steps == null ? config.settings() : config.settings().withSteps(steps);
        return reportEnsemble(EnsembleRun.train(config.data(), config.spec(), settings, config.ensemble(), out,
            memberOption(line), TrainOptions.SIDE_BY_SIDE.integer(line, 1),
            console.err()), out, memberOption(line), started, console);
      }
      return report(TrainingRun.resume(out, steps, console.err()), out, console);
    }
    Declared.refuseOthers(TrainOptions.ALL, line, method);
    Path data = dataOption(line);
    NetworkSpec spec = SpecFiles.load(TrainOptions.SPEC.text(line));
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
    kernelNote(console);
    if (method == Method.DLEMA) {
      return reportEnsemble(EnsembleRun.train(data, spec, settings, ensemble, out, memberOption(line),
          TrainOptions.SIDE_BY_SIDE.integer(line, 1), console.err()), out,
          memberOption(line), started, console);
    }
    TrainingTargets.Options options = new TrainingTargets.Options(TrainOptions.MIN_KAPPA.decimal(line, -1, 1),
        TrainOptions.SUBSET.integer(line, 1, 1), TrainOptions.MEMBERS.integer(line, 1, 1));
    if (method == Method.MC_DROPOUT) {
      spec = dropoutSpec(line, spec, options);
    }
    return report(TrainingRun.start(data, spec, settings, options, out, console.err()), out, console);
  }

  /** The run's recipe in one line: the budget it started from and the settings that matter most. */
  private static String recipe(CommandLine line, Method method, NetworkSpec spec, TrainingSettings settings,
      EnsembleSettings ensemble) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "recipe: %s with %s, budget %s: %d steps of "
        + "batch %d, %s lr %s", method.id(), spec.name(), TrainOptions.BUDGET.text(line),
        settings.steps(), settings.batchSize(), settings.optimizer().id(), settings.learningRate()));
    if (settings.schedule().warmupSteps() > 0) {
      s.append(" after a ").append(settings.schedule().warmupSteps()).append("-step warm-up");
    }
    s.append(", augmentation ").append(settings.augmentation().describe());
    if (settings.noiseDraw() == NoiseDraw.SHARED) {
      s.append(", eq. 5's ").append(settings.noiseDraw().describe());
    }
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
    return TrainOptions.METHOD.choice(line, Method.values());
  }

  /** The budget with the step count asked for (by --steps or --epochs), its interval and meta warm-up fitted to it. */
  private static Budget budget(CommandLine line, Path data) throws UsageException {
    Budget budget = budgetOption(line);
    int batch = TrainOptions.BATCH.integer(line, budget.batch(), 1);
    int steps = TrainOptions.STEPS.integer(line, budget.steps(), 1);
    if (TrainOptions.EPOCHS.given(line)) {
      double validationFraction = TrainOptions.VALIDATION_FRACTION.decimal(line, 0.01, 0.9);
      int images = DatasetReader.read(data, ReadOptions.strict()).size();
      int trainImages = images - (int) Math.round(images * validationFraction);
      steps = (int) Math.ceil((double) TrainOptions.EPOCHS.integer(line, 1, 1) * trainImages / batch);
    }
    return steps == budget.steps() ? budget : budget.withSteps(steps);
  }

  private static TrainingSettings settings(CommandLine line, Method method, Budget budget) throws UsageException {
    TrainingSettings base = budget.settings(method, TrainOptions.SEED.whole(line));
    return base.toBuilder().batchSize(TrainOptions.BATCH.integer(line, budget.batch(), 1))
        .learningRate(TrainOptions.LR.decimal(line, budget.learningRate(), 1e-12, 100))
        .momentum(TrainOptions.MOMENTUM.decimal(line, 0, 0.999999))
        .weightDecay(TrainOptions.WEIGHT_DECAY.decimal(line, 0, 1))
        .mcSamples(TrainOptions.MC_SAMPLES.integer(line, 1))
        .noiseDraw(TrainOptions.MC_NOISE.choice(line, base.noiseDraw(), NoiseDraw.values()))
        .validationFraction(TrainOptions.VALIDATION_FRACTION.decimal(line, 0.01, 0.9))
        .groupBy(groupByOption(line))
        .validateEvery(TrainOptions.VALIDATE_EVERY.integer(line, base.validateEvery(), 1))
        .checkpointEvery(TrainOptions.CHECKPOINT_EVERY.integer(line, base.checkpointEvery(), 1))
        .schedule(schedule(line, base.schedule())).augmentation(augmentation(line, base.augmentation()))
        .averageDecay(averageDecayOption(line, base.averageDecay()))
        .optimizer(TrainOptions.OPTIMIZER.choice(line, base.optimizer(), Optimizer.values()))
        .selectOn(TrainOptions.SELECT_ON.choice(line, base.selectOn(), SelectOn.values())).build();
  }

  /** The budget's schedule unless an option changes it; --warmup alone keeps the budget's decay. */
  private static LearningRateSchedule schedule(CommandLine line, LearningRateSchedule budget)
      throws UsageException {
    if (!TrainOptions.SCHEDULE.given(line) && !TrainOptions.WARMUP.given(line)
        && !TrainOptions.LR_FLOOR.given(line)) {
      return budget;
    }
    int warmup = TrainOptions.WARMUP.integer(line, budget.warmupSteps(), 0);
    String decay = budget.decay() == LearningRateSchedule.Decay.CONSTANT ? "constant" : "cosine";
    return switch (line.getOptionValue(TrainOptions.SCHEDULE.name(), decay)) {
      case "constant" -> {
        if (TrainOptions.LR_FLOOR.given(line)) {
          throw new UsageException("--lr-floor applies to --schedule cosine only");
        }
        yield new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, warmup, 1);
      }
      case "cosine" -> LearningRateSchedule.cosine(warmup, TrainOptions.LR_FLOOR.decimal(line, 0, 1));
      default -> throw new UsageException("--schedule must be constant or cosine, got '"
          + line.getOptionValue(TrainOptions.SCHEDULE.name()) + "'");
    };
  }

  private static AugmentationSettings augmentation(CommandLine line, AugmentationSettings budget)
      throws UsageException {
    if (!TrainOptions.AUGMENT.given(line)) {
      return budget;
    }
    try {
      return AugmentationSettings.parse(TrainOptions.AUGMENT.text(line));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--augment: " + e.getMessage());
    }
  }

  private static EnsembleSettings ensembleSettings(CommandLine line, Budget budget) throws UsageException {
    // 0 members: as many as the largest annotation count, decided by the run.
    int members = TrainOptions.MEMBERS.given(line) ? TrainOptions.MEMBERS.integer(line, 1, 1) : 0;
    Path initial = TrainOptions.INIT_FROM.given(line) ? Path.of(TrainOptions.INIT_FROM.text(line)) : null;
    if (initial != null && !Files.isRegularFile(initial.resolve("model.index"))) {
      throw new UsageException("--init-from: " + initial + " is not a checkpoint folder (no model.index; e.g. "
          + "RUN/checkpoints/best)");
    }
    int cleanBatch = TrainOptions.CLEAN_BATCH.integer(line, budget.cleanBatch(), 1);
    EnsembleSettings.Builder variant = EnsembleSettings.paper(members, cleanBatch).toBuilder()
        .cleanLoss(TrainOptions.CLEAN_LOSS.choice(line, EnsembleSettings.CleanLoss.values()))
        .partitionRule(TrainOptions.PARTITION_RULE.choice(line, PartitionRule.values()))
        .weightSamples(TrainOptions.WEIGHT_SAMPLES.integer(line, 0))
        .weighting(TrainOptions.WEIGHTING.choice(line, EnsembleSettings.Weighting.values()))
        .weightNormalization(TrainOptions.WEIGHT_NORMALIZATION.choice(line,
            EnsembleSettings.WeightNormalization.values()))
        .plainShare(TrainOptions.PLAIN_SHARE.decimal(line, 0, 1))
        .metaWarmup(TrainOptions.META_WARMUP.integer(line, budget.metaWarmup(), 0))
        .cleanSource(TrainOptions.CLEAN_SOURCE.choice(line, EnsembleSettings.CleanSource.values()))
        .initialCheckpoint(initial)
        .weightRegion(TrainOptions.WEIGHT_REGION.choice(line, budget.weightRegion(),
            EnsembleSettings.WeightRegion.values()));
    try {
      return variant.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException("--weight-region disputed with --weight-normalization image: " + e.getMessage());
    }
  }

  private static NetworkSpec dropoutSpec(CommandLine line, NetworkSpec spec, TrainingTargets.Options options)
      throws UsageException {
    if (!TrainOptions.SUBSET.given(line) || !TrainOptions.MEMBERS.given(line)) {
      throw new UsageException("--method mc-dropout needs --subset I and --members M (the subset C^I of the "
          + "partition into M that D-LEMA member I trusts)");
    }
    if (options.subset() > options.subsets()) {
      throw new UsageException("--subset must be between 1 and --members " + options.subsets() + ", got "
          + options.subset());
    }
    int layers = TrainOptions.DROPOUT_LAYERS.integer(line, 1);
    if (layers > LinkNet.DROPOUT_SITES.size()) {
      throw new UsageException("--dropout-layers must be at most " + LinkNet.DROPOUT_SITES.size() + ", got "
          + layers);
    }
    return spec.withDropout(TrainOptions.DROPOUT.decimal(line, 1e-6, 0.99), layers,
        TrainOptions.MC_PASSES.integer(line, 1));
  }

  private static Integer memberOption(CommandLine line) throws UsageException {
    return TrainOptions.MEMBER.given(line) ? TrainOptions.MEMBER.integer(line, 1, 1) : null;
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
