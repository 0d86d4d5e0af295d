package org.dlema.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.FolderLock;
import org.dlema.io.JsonFiles;
import org.dlema.io.PrefixedLines;
import org.dlema.io.Progress;

/**
 * A D-LEMA ensemble run: {@code config.json}, {@code split.json}, {@code normalization.json} and
 * {@code partition.json} at the top, and one self-describing run folder per member under {@code members/<i>/} (its
 * own config with the member's seed, checkpoints, metrics, weight maps), so that a member can be trained alone
 * (on any machine, from the same top-level files), resumed exactly, and exported like a single network. Members
 * are numbered from 1, as the paper's subsets C^1..C^M.
 */
public final class EnsembleRun {
  /** How long a member waits for a claim held on another machine (a file server's lock lease) before refusing. */
  private static final Duration CLAIM_WAIT = Duration.ofMinutes(10);

  /** One member's training, to be run. */
  record MemberTraining(Trainer trainer, boolean resume) implements SideBySide.Job<Trainer.Outcome> {
    @Override
    public Trainer.Outcome run() throws IOException {
      try {
        return trainer.train(resume);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  /** What every member reads from the top of the run. */
  private record Shared(RunConfig config, MultiAnnotatedDataset dataset, TrainValidationSplit split,
      Normalization normalization, NonContradictoryPartition partition) {}

  private EnsembleRun() {}

  /**
   * The size of a new ensemble on {@code dataset}: {@code asked}, or when 0 the largest annotation count of the
   * training images that {@code settings}' split leaves.
   */
  public static int size(MultiAnnotatedDataset dataset, TrainingSettings settings, int asked) {
    return asked > 0 ? asked : size(TrainingRun.split(dataset, settings).trainingSet(dataset), 0);
  }

  private static int size(MultiAnnotatedDataset training, int asked) {
    return asked > 0 ? asked : training.maxAnnotations();
  }

  /** The folder of member {@code i} (1-based). */
  public static Path member(Path run, int i) {
    return RunFolder.of(run).member(i).path();
  }

  /** The seed of member {@code i} of an ensemble whose run seed is {@code seed}. */
  public static long memberSeed(long seed, int i) {
    return EpochSampler.mix(seed, 1000 + i);
  }

  /**
   * Trains the members (all, or only {@code onlyMember}), creating the run on first use and continuing members
   * that have a checkpoint. A finished member is left as it is.
   *
   * @param ensemble members 0 means the largest annotation count of the training images
   */
  public static List<Trainer.Outcome> train(Path data, NetworkSpec spec, TrainingSettings settings,
      EnsembleSettings ensemble, Path out, Integer onlyMember, PrintStream log) throws IOException {
    return train(data, spec, settings, ensemble, out, onlyMember, 1, log);
  }

  /**
   * Members trained at the same time unless told otherwise: two on a machine with at least two cores (one member's
   * steps leave part of the second core idle between their ops), else one. The weights do not depend on it.
   */
  public static int defaultSideBySide() {
    return Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  /**
   * As {@link #train(Path, NetworkSpec, TrainingSettings, EnsembleSettings, Path, Integer, PrintStream)}, with up
   * to {@code sideBySide} members trained at the same time, each with its own graph and session on its own thread.
   * A member's weights do not depend on what runs beside it: the same as training it alone.
   */
  public static List<Trainer.Outcome> train(Path data, NetworkSpec spec, TrainingSettings settings,
      EnsembleSettings ensemble, Path out, Integer onlyMember, int sideBySide, PrintStream log) throws IOException {
    Shared shared;
    // Members started at the same time (a job array) make the shared files once: the first to take the run's lock
    // writes them, the others wait and read them.
    Files.createDirectories(out);
    try (FolderLock lock = FolderLock.acquire(out.resolve(RunFolder.LOCK))) {
      shared = Files.isRegularFile(RunFolder.of(out).config()) ? open(out, spec, settings, ensemble, log)
          : create(data, spec, settings, ensemble, out, log);
    }
    EnsembleSettings e = shared.config().ensemble();
    if (onlyMember != null && (onlyMember < 1 || onlyMember > e.members())) {
      throw new IllegalArgumentException("the member must be between 1 and " + e.members() + ", got " + onlyMember);
    }
    List<FolderLock> claims = new ArrayList<>();
    try {
      for (int i = 1; i <= e.members(); i++) {
        if (onlyMember == null || onlyMember == i) {
          claims.add(claim(out, i, log));
        }
      }
      return trainClaimed(shared, settings, out, onlyMember, sideBySide, log);
    } finally {
      for (FolderLock claim : claims) {
        claim.close();
      }
    }
  }

  /**
   * Holds member {@code i} for this process, so that two processes never train the same member. A claim dies with
   * its process (see {@link FolderLock}): a killed task, started again, takes it over.
   */
  private static FolderLock claim(Path out, int i, PrintStream log) throws IOException {
    Path file = member(out, i).resolve(RunFolder.CLAIM);
    long deadline = System.nanoTime() + CLAIM_WAIT.toNanos();
    boolean told = false;
    while (true) {
      var claimed = FolderLock.tryAcquire(file);
      if (claimed.isPresent()) {
        return claimed.get();
      }
      // A holder on this machine is a live process: refuse at once. A holder on another machine may be a lost
      // node whose lock the file server keeps until its lease runs out (a re-queued task): wait for that.
      String holder = FolderLock.holder(file);
      if (FolderLock.heldHere(holder) || System.nanoTime() > deadline) {
        throw new IOException(member(out, i) + ": member " + i + " is being trained by another process (" + holder
            + "); wait for it to finish, or stop it first");
      }
      if (!told) {
        log.println("member " + i + ": claimed by " + holder + " on another machine; waiting up to "
            + CLAIM_WAIT.toMinutes() + " minutes for that claim to be released");
        told = true;
      }
      try {
        Thread.sleep(5000);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for member " + i + "'s claim", ex);
      }
    }
  }

  private static List<Trainer.Outcome> trainClaimed(Shared shared, TrainingSettings settings, Path out,
      Integer onlyMember, int sideBySide, PrintStream log) throws IOException {
    EnsembleSettings e = shared.config().ensemble();
    MultiAnnotatedDataset training = shared.split().trainingSet(shared.dataset());
    MultiAnnotatedDataset validation = shared.split().validationSet(shared.dataset());
    int side = shared.config().spec().inputSize();
    PreparedSet trainSet = PreparedSet.of(training, side, shared.normalization(),
        Progress.on(log, "loading training images", training.size()));
    PreparedSet validationSet = PreparedSet.of(validation, side, shared.normalization(),
        Progress.on(log, "loading validation images", validation.size()));
    // Members side by side share one bar line on a terminal (Progress); elsewhere their lines reach the log whole.
    PrintStream memberLog = sideBySide > 1 && onlyMember == null && e.members() > 1 && !Progress.drawsBarOn(log)
        ? PrefixedLines.on(log, "") : log;
    List<MemberTraining> work = new ArrayList<>();
    for (int i = 1; i <= e.members(); i++) {
      if (onlyMember == null || onlyMember == i) {
        MemberTraining member = memberTraining(shared, i, settings.steps(), training, trainSet, validationSet, out,
            memberLog);
        if (member != null) {
          work.add(member);
        }
      }
    }
    return SideBySide.run(work, sideBySide);
  }

  /**
   * The shared files of an existing run, which must have been made with the same settings (the step count aside);
   * its step count grows to the largest any member was asked for.
   */
  private static Shared open(Path out, NetworkSpec spec, TrainingSettings settings, EnsembleSettings ensemble,
      PrintStream log) throws IOException {
    RunConfig config = RunConfig.read(out);
    if (config.ensemble() == null) {
      throw new RunStateException(out, RunStateException.Reason.MISMATCH, "holds a " + config.method()
          + " run, not a D-LEMA ensemble");
    }
    EnsembleSettings asked = ensemble.members() == 0 ? ensemble.withMembers(config.ensemble().members()) : ensemble;
    TrainingSettings same = settings.toBuilder().method(Method.DLEMA).steps(config.settings().steps()).build();
    if (!config.spec().equals(spec) || !config.settings().equals(same) || !config.ensemble().equals(asked)) {
      throw new RunStateException(out, RunStateException.Reason.MISMATCH, "holds an ensemble trained with other "
          + "settings (see its config.json); only the step count may change");
    }
    if (settings.steps() != config.settings().steps() && config.settings().schedule().dependsOnTotal()) {
      throw TrainingRun.fixedTotal(out, config.settings());
    }
    MultiAnnotatedDataset dataset = TrainingRun.checkedDataset(config, log);
    if (settings.steps() > config.settings().steps()) {
      config = config.withSettings(config.settings().withSteps(settings.steps()));
      JsonFiles.write(RunFolder.of(out).config(), config);
    }
    log.println("continuing ensemble " + out);
    return new Shared(config, dataset, TrainValidationSplit.load(RunFolder.of(out).split()),
        Normalization.load(RunFolder.of(out).normalization()),
        NonContradictoryPartition.load(RunFolder.of(out).partition()));
  }

  /** A new run: split, partition and statistics decided and checked before anything is written. */
  private static Shared create(Path data, NetworkSpec spec, TrainingSettings settings, EnsembleSettings ensemble,
      Path out, PrintStream log) throws IOException {
    TrainingRun.requireEmpty(out, Set.of(RunFolder.LOCK, RunFolder.SPLIT, RunFolder.NORMALIZATION,
        RunFolder.PARTITION));
    RunStart start = RunStart.of(data, spec, settings, log);
    MultiAnnotatedDataset training = start.training();
    int members = size(training, ensemble.members());
    ensemble = ensemble.withMembers(members);
    NonContradictoryPartition partition = NonContradictoryPartition.create(training, members,
        ensemble.partitionRule(), settings.seed());
    for (int i = 0; i < members; i++) {
      if (partition.subset(i).isEmpty()) {
        throw new NothingLeftException("subset C^" + (i + 1) + " of " + members + " is empty: the training images "
            + "have fewer annotations than members");
      }
    }
    Normalization normalization = start.normalization(spec, log);
    RunConfig config = start.config(spec, settings.toBuilder().method(Method.DLEMA).build(), ensemble);
    Files.createDirectories(out);
    // config.json last: it is what marks the shared files complete (a creator killed before it leaves a folder
    // that the next process makes again).
    start.save(RunFolder.of(out), normalization);
    partition.save(RunFolder.of(out).partition(), training);
    JsonFiles.write(RunFolder.of(out).config(), config);
    log.println("ensemble " + out + ": " + members + " members, subsets of " + Arrays.toString(
        partition.subsetSizes()) + " annotations over " + start.split().train().size() + " training images");
    int smallest = Arrays.stream(partition.subsetSizes()).min().orElse(0);
    if (smallest < ensemble.cleanBatch()) {
      log.println("warning: a clean batch of " + ensemble.cleanBatch() + " is larger than the smallest subset ("
          + smallest + " annotations): its clean batches repeat images, and the meta-gradient sees fewer distinct "
          + "trusted masks than it seems; a clean batch of at most " + smallest + " avoids that");
    }
    return new Shared(config, start.dataset(), start.split(), normalization, partition);
  }

  /** Member {@code i}'s training to {@code steps}, resumed from its checkpoint; null when it has finished there. */
  private static MemberTraining memberTraining(Shared shared, int i, int steps, MultiAnnotatedDataset training,
      PreparedSet trainSet, PreparedSet validationSet, Path out, PrintStream log) throws IOException {
    RunConfig config = shared.config();
    EnsembleSettings e = config.ensemble();
    Path folder = member(out, i);
    TrainingSettings memberSettings = config.settings().withSteps(steps)
        .withSeed(memberSeed(config.settings().seed(), i));
    Checkpoints checkpoints = RunFolder.of(folder).checkpoints();
    var finished = checkpoints.state(CheckpointKind.FINAL);
    if (finished.isPresent() && finished.get().step() >= memberSettings.steps()) {
      log.println("member " + i + ": finished (" + finished.get().step() + " steps)");
      return null;
    }
    var latest = checkpoints.state(CheckpointKind.LATEST);
    boolean resume = latest.isPresent();
    if (resume && latest.get().step() > memberSettings.steps()) {
      throw TrainingRun.stepsBelowDone(folder, memberSettings.steps(), latest.get().step());
    }
    Files.createDirectories(folder);
    // Rewritten on every start so that it records the step count this member is trained to.
    JsonFiles.write(RunFolder.of(folder).config(), config.forMember(memberSettings, i));
    if (!resume) {
      shared.split().save(RunFolder.of(folder).split());
      shared.normalization().save(RunFolder.of(folder).normalization());
    }
    int[][] trusted = trustedItems(shared.partition(), i, trainSet);
    List<List<String>> maskNames = new ArrayList<>();
    for (AnnotatedImage image : training.images()) {
      maskNames.add(image.annotations().stream().map(Annotation::file).map(p -> p.getFileName().toString())
          .toList());
    }
    log.println("member " + i + " of " + e.members() + ": trusts C^" + i + " (" + trusted.length
        + " annotations), learns from all " + trainSet.count() + " training images" + (resume ? ", resuming" : ""));
    NetworkSpec spec = config.spec();
    return new MemberTraining(new Trainer("member " + i, folder, () -> {
      try {
        return new MemberMethod(spec, memberSettings, e, trainSet, trusted, maskNames, folder,
            shared.normalization());
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }, memberSettings, config.settings().seed(), validationSet, shared.normalization(), log), resume);
  }

  /** (image index, annotation index) of every annotation in C^i, as indices of the prepared training set. */
  private static int[][] trustedItems(NonContradictoryPartition partition, int i, PreparedSet trainSet) {
    Map<String, Integer> index = new HashMap<>();
    for (int k = 0; k < trainSet.count(); k++) {
      index.put(trainSet.ids().get(k), k);
    }
    return partition.subset(i - 1).stream()
        .map(ref -> new int[] {index.get(ref.imageId()), ref.annotation()}).toArray(int[][]::new);
  }
}
