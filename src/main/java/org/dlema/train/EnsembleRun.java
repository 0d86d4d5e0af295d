package org.dlema.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.partition.PartitionRule;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/**
 * A D-LEMA ensemble run: {@code config.json}, {@code split.json}, {@code normalization.json} and
 * {@code partition.json} at the top, and one self-describing run folder per member under {@code members/<i>/} (its
 * own config with the member's seed, checkpoints, metrics, weight maps), so that a member can be trained alone
 * ({@code --member i}, on any machine, from the same top-level files), resumed exactly, and exported like a single
 * network. Members are numbered from 1, as the paper's subsets C^1..C^M.
 */
public final class EnsembleRun {
  public static final String PARTITION = "partition.json";
  public static final String MEMBERS = "members";

  private EnsembleRun() {}

  /** The folder of member {@code i} (1-based). */
  public static Path member(Path run, int i) {
    return run.resolve(MEMBERS).resolve(Integer.toString(i));
  }

  /**
   * Trains the members (all, or only {@code onlyMember}), creating the run on first use and continuing members
   * that have a checkpoint. A finished member is left as it is.
   *
   * @param ensemble members 0 means the largest annotation count of the training images
   */
  public static List<Trainer.Outcome> train(Path data, NetworkSpec spec, TrainingSettings settings,
      EnsembleSettings ensemble, Path out, Integer onlyMember, PrintStream log) throws IOException {
    RunConfig config;
    MultiAnnotatedDataset dataset;
    TrainValidationSplit split;
    Normalization normalization;
    NonContradictoryPartition partition;
    if (Files.isRegularFile(out.resolve(TrainingRun.CONFIG))) {
      config = JsonFiles.read(out.resolve(TrainingRun.CONFIG), RunConfig.class);
      if (config.ensemble() == null) {
        throw new IOException(out + " holds a " + config.method() + " run, not a D-LEMA ensemble");
      }
      dataset = TrainingRun.checkedDataset(config);
      split = TrainValidationSplit.load(out.resolve(TrainingRun.SPLIT));
      normalization = Normalization.load(out.resolve(TrainingRun.NORMALIZATION));
      partition = NonContradictoryPartition.load(out.resolve(PARTITION));
      if (settings.steps() > config.settings().steps()) {
        // The run's step count is the largest any member was asked for, so that a plain --resume continues there.
        config = new RunConfig(config.method(), config.data(), config.dataFingerprint(), config.spec(),
            config.settings().withSteps(settings.steps()), config.versions(),
            config.ensemble(), null);
        JsonFiles.write(out.resolve(TrainingRun.CONFIG), config);
      }
      log.println("continuing ensemble " + out);
    } else {
      TrainingRun.requireEmpty(out, "choose another --out");
      dataset = TrainingRun.checkedDataset(data);
      split = TrainValidationSplit.create(dataset, settings.validationFraction(), settings.seed());
      MultiAnnotatedDataset training = split.trainingSet(dataset);
      int members = ensemble.members() > 0 ? ensemble.members() : training.maxAnnotations();
      ensemble = new EnsembleSettings(members, ensemble.cleanBatch(), ensemble.cleanLoss(),
          ensemble.partitionRule(), ensemble.weightSamples());
      partition = NonContradictoryPartition.create(training, members, PartitionRule.parse(ensemble.partitionRule()),
          settings.seed());
      for (int i = 0; i < members; i++) {
        if (partition.subset(i).isEmpty()) {
          throw new IOException("subset C^" + (i + 1) + " is empty: ask for fewer --members");
        }
      }
      normalization = Normalization.of(training, spec.inputSize(), spec.inputSize(),
          Progress.onStderr("normalisation statistics", training.size()));
      config = new RunConfig("dlema", data, RunConfig.fingerprint(dataset), spec, settings,
          RunConfig.Versions.current(), ensemble, null);
      Files.createDirectories(out);
      JsonFiles.write(out.resolve(TrainingRun.CONFIG), config);
      split.save(out.resolve(TrainingRun.SPLIT));
      normalization.save(out.resolve(TrainingRun.NORMALIZATION));
      partition.save(out.resolve(PARTITION), training);
      log.println("ensemble " + out + ": " + members + " members, subsets of " + Arrays.toString(
          partition.subsetSizes()) + " annotations over " + split.train().size() + " training images");
    }
    EnsembleSettings e = config.ensemble();
    if (onlyMember != null && (onlyMember < 1 || onlyMember > e.members())) {
      throw new IllegalArgumentException("--member must be between 1 and " + e.members() + ", got " + onlyMember);
    }
    MultiAnnotatedDataset training = split.trainingSet(dataset);
    MultiAnnotatedDataset validation = split.validationSet(dataset);
    PreparedSet trainSet = PreparedSet.of(training, config.spec().inputSize(), normalization,
        Progress.onStderr("loading training images", training.size()));
    PreparedSet validationSet = PreparedSet.of(validation, config.spec().inputSize(), normalization,
        Progress.onStderr("loading validation images", validation.size()));
    List<List<String>> maskNames = new ArrayList<>();
    for (AnnotatedImage image : training.images()) {
      maskNames.add(image.annotations().stream().map(Annotation::file).map(p -> p.getFileName().toString())
          .toList());
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < trainSet.count(); i++) {
      index.put(trainSet.ids().get(i), i);
    }

    List<Trainer.Outcome> outcomes = new ArrayList<>();
    for (int i = 1; i <= e.members(); i++) {
      if (onlyMember != null && onlyMember != i) {
        continue;
      }
      Path folder = member(out, i);
      TrainingSettings memberSettings = config.settings().withSteps(settings.steps())
          .withSeed(EpochSampler.mix(config.settings().seed(), 1000 + i));
      Checkpoints checkpoints = new Checkpoints(folder.resolve("checkpoints"));
      var finished = checkpoints.state(Checkpoints.FINAL);
      if (finished.isPresent() && finished.get().step() >= memberSettings.steps()) {
        log.println("member " + i + ": finished (" + finished.get().step() + " steps)");
        continue;
      }
      var latest = checkpoints.state(Checkpoints.LATEST);
      boolean resume = latest.isPresent();
      if (resume && latest.get().step() > memberSettings.steps()) {
        throw new IOException(folder + ": --steps " + memberSettings.steps() + " is below the "
            + latest.get().step() + " steps already done");
      }
      Files.createDirectories(folder);
      // Rewritten on every start so that it records the step count this member is trained to.
      JsonFiles.write(folder.resolve(TrainingRun.CONFIG), new RunConfig("dlema", config.data(),
          config.dataFingerprint(), config.spec(), memberSettings, config.versions(), e, i));
      if (!resume) {
        split.save(folder.resolve(TrainingRun.SPLIT));
        normalization.save(folder.resolve(TrainingRun.NORMALIZATION));
      }
      List<int[]> trusted = new ArrayList<>();
      for (NonContradictoryPartition.AnnotationRef ref : partition.subset(i - 1)) {
        trusted.add(new int[] {index.get(ref.imageId()), ref.annotation()});
      }
      int[][] trustedItems = trusted.toArray(int[][]::new);
      log.println("member " + i + " of " + e.members() + ": trusts C^" + i + " (" + trustedItems.length
          + " annotations), learns from all " + trainSet.count() + " training images"
          + (resume ? ", resuming" : ""));
      NetworkSpec memberSpec = config.spec();
      Trainer trainer = new Trainer(folder, () -> {
        try {
          return new MemberMethod(memberSpec, memberSettings, e, trainSet, trustedItems, maskNames, folder);
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
      }, memberSettings, config.settings().seed(), validationSet, normalization, log);
      outcomes.add(trainer.train(resume));
    }
    return outcomes;
  }
}
