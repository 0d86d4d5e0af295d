package org.dlema.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.dlema.data.DatasetException;
import org.dlema.data.DatasetReader;
import org.dlema.data.DatasetValidator;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.ValidationReport;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.FolderLock;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/**
 * A single network's run folder from start to end: checks the data, makes the seeded split and the normalisation
 * statistics of the training images, writes {@code config.json}, {@code split.json} and {@code normalization.json},
 * then trains. A resumed run reads all three back and refuses data whose fingerprint changed.
 */
public final class TrainingRun {
  private TrainingRun() {}

  /** Starts a new run in {@code out}, which must not exist or be empty. */
  public static Trainer.Outcome start(Path data, NetworkSpec spec, TrainingSettings settings, Path out,
      PrintStream log) throws IOException {
    return start(data, spec, settings, TrainingTargets.Options.defaults(), out, log);
  }

  /** @param options the settings of less-is-more and mc-dropout (ignored by the other methods) */
  public static Trainer.Outcome start(Path data, NetworkSpec spec, TrainingSettings settings,
      TrainingTargets.Options options, Path out, PrintStream log) throws IOException {
    replaceUnstarted(out, log);
    requireEmpty(out, Set.of(RunFolder.CLAIM));
    RunStart start = RunStart.of(data, spec, settings, log);
    // Decided before anything is written: a selection that fails (an empty subset) leaves no half-made run.
    TrainingTargets.Selection selection = TrainingTargets.select(settings.method(), options, settings.seed(),
        start.training(), log);
    Normalization normalization = start.normalization(spec, log);
    Files.createDirectories(out);
    try (FolderLock claim = claim(out)) {
      requireEmpty(out, Set.of(RunFolder.CLAIM));
      // config.json first: a run killed before its first checkpoint is recognised by it and started again.
      JsonFiles.write(RunFolder.of(out).config(), start.config(spec, settings, null));
      start.save(RunFolder.of(out), normalization);
      TrainingTargets.save(out, selection);
      return startClaimed(out, start.dataset(), start.split(), normalization, spec, settings, options, selection,
          log);
    }
  }

  private static Trainer.Outcome startClaimed(Path out, MultiAnnotatedDataset dataset, TrainValidationSplit split,
      Normalization normalization, NetworkSpec spec, TrainingSettings settings, TrainingTargets.Options options,
      TrainingTargets.Selection selection, PrintStream log) throws IOException {
    log.println("run " + out + ": " + split.train().size() + " training and " + split.validation().size()
        + " validation images, " + spec.name() + ", " + settings.steps() + " steps of batch " + settings.batchSize());
    if (!selection.dropped().isEmpty()) {
      log.println("less is more: " + selection.dropped().size() + " training images with mean pairwise kappa below "
          + options.minKappa() + " left out; training on " + selection.kept());
    }
    if (selection.subset() != null) {
      log.println("trains on subset C^" + selection.subset() + " of " + selection.subsets() + ": "
          + selection.kept() + " images, one annotation each");
    }
    return trainer(out, dataset, split, normalization, spec, settings, log).train(false);
  }

  /**
   * Holds the run in {@code out} for this process: a second process that starts or resumes it is refused, naming the
   * holder. The claim dies with its process (see {@link FolderLock}).
   */
  static FolderLock claim(Path out) throws IOException {
    Path file = out.resolve(RunFolder.CLAIM);
    return FolderLock.tryAcquire(file).orElseThrow(() -> new RunStateException(out,
        RunStateException.Reason.BUSY, "is being trained by another process (" + FolderLock.holder(file)
        + "); wait for it to finish, or stop it first"));
  }

  /** The files a single-network run writes; a folder with only these and no checkpoint is a run that never saved. */
  private static final Set<String> RUN_FILES = Set.of(RunFolder.CONFIG, RunFolder.SPLIT, RunFolder.NORMALIZATION,
      TrainingTargets.FILE, "metrics.jsonl", RunFolder.CHECKPOINTS, WeightMaps.FOLDER, RunFolder.CLAIM);

  /**
   * Removes a run of this project that stopped before its first checkpoint (Ctrl-C in its first steps), so that the
   * same command starts it again; says so. A folder with anything else, a checkpoint, or a live holder is left as
   * it is, for the checks that follow to refuse.
   */
  static void replaceUnstarted(Path out, PrintStream log) throws IOException {
    if (!Files.isRegularFile(RunFolder.of(out).config()) || RunFolder.of(out).checkpoints()
        .state(CheckpointKind.LATEST).isPresent()) {
      return;
    }
    try (var entries = Files.list(out)) {
      if (!entries.map(f -> f.getFileName().toString())
          .allMatch(n -> RUN_FILES.contains(n) || n.startsWith("events.out.tfevents."))) {
        return;
      }
    }
    try (var checkpoints = Files.walk(out)) {
      if (checkpoints.anyMatch(f -> f.getFileName().toString().equals(Checkpoints.STATE))) {
        return;
      }
    }
    try (FolderLock held = claim(out)) {
      log.println("replacing the run in " + out + ", which stopped before its first checkpoint");
      try (var entries = Files.list(out)) {
        for (Path entry : entries.toList()) {
          if (!entry.getFileName().toString().equals(RunFolder.CLAIM)) {
            MoreFiles.deleteRecursively(entry, RecursiveDeleteOption.ALLOW_INSECURE);
          }
        }
      }
    }
  }

  /**
   * Whether a folder (a run, an ensemble or an experiment) holds work that a later start continues: a saved
   * checkpoint, or a member that some process has claimed (and may be training). A failed verb keeps such a folder.
   */
  public static boolean holdsWork(Path folder) {
    try (var files = Files.walk(folder)) {
      return files.anyMatch(f -> {
        String name = f.getFileName().toString();
        Path kind = f.getParent();
        return name.equals(RunFolder.CLAIM) || name.equals(Checkpoints.STATE) && kind.getParent() != null
            && kind.getParent().getFileName().toString().equals(RunFolder.CHECKPOINTS);
      });
    } catch (IOException | UncheckedIOException e) {
      return true;
    }
  }

  /** The run's split, refused before anything is written when it leaves no image to train or to validate on. */
  static TrainValidationSplit split(MultiAnnotatedDataset dataset, TrainingSettings settings) {
    TrainValidationSplit split = TrainValidationSplit.create(dataset, settings.validationFraction(), settings.seed(),
        settings.groupBy());
    if (split.train().isEmpty() || split.validation().isEmpty()) {
      throw new DatasetException(dataset.source(), dataset.size() + " usable image(s) leave none for "
          + (split.train().isEmpty() ? "training" : "validation") + " (validation fraction "
          + settings.validationFraction() + "); a run needs at least 2 images with masks");
    }
    return split;
  }

  /** Continues a run from its latest checkpoint, up to {@code steps} (or the configured count when null). */
  public static Trainer.Outcome resume(Path out, Integer steps, PrintStream log) throws IOException {
    RunConfig config = RunConfig.read(out);
    try (FolderLock claim = claim(out)) {
      return resumeClaimed(out, config, steps, log);
    }
  }

  private static Trainer.Outcome resumeClaimed(Path out, RunConfig config, Integer steps, PrintStream log)
      throws IOException {
    TrainingSettings settings = config.settings();
    Checkpoints.State latest = RunFolder.of(out).checkpoints().state(CheckpointKind.LATEST).orElseThrow(
        () -> new RunStateException(out, RunStateException.Reason.NOT_A_RUN, "no checkpoint to resume from "
            + "(checkpoints/latest is missing)"));
    if (steps != null && steps < latest.step()) {
      throw stepsBelowDone(out, steps, latest.step());
    }
    if (steps != null && steps != settings.steps() && settings.schedule().dependsOnTotal()) {
      throw fixedTotal(out, settings);
    }
    if (steps != null) {
      settings = settings.withSteps(steps);
      JsonFiles.write(RunFolder.of(out).config(), config.withSettings(settings));
    }
    MultiAnnotatedDataset dataset = checkedDataset(config, log);
    TrainValidationSplit split = TrainValidationSplit.load(RunFolder.of(out).split());
    Normalization normalization = Normalization.load(RunFolder.of(out).normalization());
    return trainer(out, dataset, split, normalization, config.spec(), settings, log).train(true);
  }

  /**
   * Brings the run in {@code out} to {@code settings.steps()}: nothing when it finished there, a resume when it has
   * a checkpoint, else a new run (a folder of this project's run without any checkpoint is started over). Refuses a
   * folder that holds another method or spec, or something that is not a run.
   */
  public static Trainer.Outcome trainOrResume(Path data, NetworkSpec spec, TrainingSettings settings,
      TrainingTargets.Options options, Path out, PrintStream log) throws IOException {
    Checkpoints checkpoints = RunFolder.of(out).checkpoints();
    if (Files.isRegularFile(RunFolder.of(out).config())) {
      RunConfig config = RunConfig.read(out);
      if (config.method() != settings.method() || !config.spec().equals(spec)) {
        throw new RunStateException(out, RunStateException.Reason.MISMATCH, "holds a " + config.method() + " run "
            + "of " + config.spec().name() + ", not a " + settings.method() + " run of " + spec.name());
      }
      Optional<Checkpoints.State> finished = checkpoints.state(CheckpointKind.FINAL);
      if (finished.isPresent() && finished.get().step() == settings.steps()) {
        Checkpoints.State state = finished.get();
        log.printf("reusing the finished run in %s (best validation Jaccard %.2f%% at step %d)%n", out,
            100 * state.best(),
            state.bestStep());
        double last = state.validationJaccard() == null ? Double.NaN : state.validationJaccard();
        return new Trainer.Outcome(state.step(), state.best(), state.bestStep(), last, Double.NaN, false,
            Double.NaN);
      }
      if (checkpoints.state(CheckpointKind.LATEST).isPresent()) {
        return resume(out, settings.steps(), log);
      }
    }
    return start(data, spec, settings, options, out, log);
  }

  private static Trainer trainer(Path out, MultiAnnotatedDataset dataset, TrainValidationSplit split,
      Normalization normalization, NetworkSpec spec, TrainingSettings settings, PrintStream log) throws IOException {
    MultiAnnotatedDataset training = split.trainingSet(dataset);
    MultiAnnotatedDataset validation = split.validationSet(dataset);
    TrainingTargets.Selection selection = TrainingTargets.load(out, settings.method(), training);
    PreparedSet trainSet = TrainingTargets.apply(selection, PreparedSet.of(training, spec.inputSize(), normalization,
        Progress.on(log, "loading training images", training.size())));
    PreparedSet validationSet = PreparedSet.of(validation, spec.inputSize(), normalization,
        Progress.on(log, "loading validation images", validation.size()));
    return new Trainer(out, () -> new BaselineMethod(spec, settings, trainSet, normalization), settings,
        settings.seed(), validationSet, normalization, log);
  }

  /** A decaying schedule spreads its decay over the run's total: another total would change every rate. */
  static RunStateException fixedTotal(Path folder, TrainingSettings settings) {
    return new RunStateException(folder, RunStateException.Reason.MISMATCH, "the learning rate decays over the "
        + "run's " + settings.steps() + " steps (" + settings.schedule().describe() + "); its total cannot change");
  }

  static RunStateException stepsBelowDone(Path folder, int steps, long done) {
    return new RunStateException(folder, RunStateException.Reason.STEPS_BELOW_DONE, "a total of " + steps
        + " steps is below the " + done + " steps already done");
  }

  /** A new run never writes into a folder that holds something: it would mix two runs. */
  static void requireEmpty(Path out) throws IOException {
    requireEmpty(out, Set.of());
  }

  /** As {@link #requireEmpty(Path)}, with files a run may hold before it is complete (left by a stopped creator). */
  static void requireEmpty(Path out, Set<String> allowed) throws IOException {
    if (Files.isDirectory(out)) {
      try (var entries = Files.list(out)) {
        if (entries.anyMatch(f -> !allowed.contains(f.getFileName().toString()))) {
          throw new RunStateException(out, RunStateException.Reason.OCCUPIED, "already exists and is not empty");
        }
      }
    }
  }

  /**
   * The validation images of run folder {@code run} at the network size, normalised, with every annotation. The
   * data must still be readable and unchanged since the run started (its fingerprint is compared); only the
   * validation images are decoded.
   */
  public static PreparedSet validationImages(Path run, PrintStream log) throws IOException {
    RunConfig config = RunConfig.read(run);
    MultiAnnotatedDataset validation = validationSet(run, config);
    return PreparedSet.of(validation, config.spec().inputSize(), Normalization.load(RunFolder.of(run).normalization()),
        Progress.on(log, "loading validation images", validation.size()));
  }

  /**
   * Whether every validation image of the run keeps a reference mask (what {@link #validationImages} would load
   * with them), found from the file names alone.
   */
  public static boolean validationHasReferences(Path run) throws IOException {
    return ReferenceMasks.complete(validationSet(run, RunConfig.read(run)));
  }

  /** The run's validation images as listed (nothing decoded), from its data, checked unchanged, and its split. */
  private static MultiAnnotatedDataset validationSet(Path run, RunConfig config) throws IOException {
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = DatasetReader.read(config.data(), ReadOptions.strict(), report);
    report.throwIfErrors();
    requireUnchanged(config, dataset);
    return TrainValidationSplit.load(RunFolder.of(run).split()).validationSet(dataset);
  }

  private static void requireUnchanged(RunConfig config, MultiAnnotatedDataset dataset) throws IOException {
    if (!RunConfig.fingerprint(dataset).equals(config.dataFingerprint())) {
      throw new IOException(config.data() + ": the data changed since the run started (fingerprint "
          + RunConfig.fingerprint(dataset) + ", run has " + config.dataFingerprint() + ")");
    }
  }

  /** The run's dataset, checked, and unchanged since the run started. */
  static MultiAnnotatedDataset checkedDataset(RunConfig config, PrintStream log) throws IOException {
    MultiAnnotatedDataset dataset = checkedDataset(config.data(), log);
    requireUnchanged(config, dataset);
    return dataset;
  }

  /** Reads the dataset and decodes every file; throws on the first error, before anything is written. */
  static MultiAnnotatedDataset checkedDataset(Path data, PrintStream log) {
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = DatasetReader.read(data, ReadOptions.strict(), report);
    report.throwIfErrors();
    DatasetValidator.validate(dataset, report, loaded -> { }, Progress.on(log, "checking data", dataset.size()));
    report.throwIfErrors();
    return dataset;
  }
}
