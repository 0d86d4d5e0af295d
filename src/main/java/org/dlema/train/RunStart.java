package org.dlema.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.Progress;

/**
 * The first steps of every new run, a single network's or an ensemble's: the data read and checked, the seeded
 * split with its size warnings, and the check that the training images fit the heap; then, once the caller has
 * decided everything that can fail cheaply, the normalisation statistics and the shared files. Nothing is written
 * before {@link #save}.
 *
 * @param training the split's training images
 */
record RunStart(Path data, MultiAnnotatedDataset dataset, TrainValidationSplit split,
    MultiAnnotatedDataset training) {
  /** Reads and checks {@code data}, splits it as {@code settings} say and checks the heap; writes nothing. */
  static RunStart of(Path data, NetworkSpec spec, TrainingSettings settings, PrintStream log) {
    MultiAnnotatedDataset dataset = TrainingRun.checkedDataset(data, log);
    TrainValidationSplit split = TrainingRun.split(dataset, settings);
    sizeWarnings(split, settings).forEach(w -> log.println("warning: " + w));
    MultiAnnotatedDataset training = split.trainingSet(dataset);
    PreparedSet.requireHeap(training, spec.inputSize(), settings.batchSize());
    return new RunStart(data, dataset, split, training);
  }

  /** The normalisation statistics of the training images (the one long step of a start), with progress. */
  Normalization normalization(NetworkSpec spec, PrintStream log) {
    return Normalization.of(training, spec.inputSize(), spec.inputSize(),
        Progress.on(log, "normalisation statistics", training.size()));
  }

  /** A run's config on this data: its fingerprint, and the versions of this build. */
  RunConfig config(NetworkSpec spec, TrainingSettings settings, EnsembleSettings ensemble) {
    return new RunConfig(settings.method(), data, RunConfig.fingerprint(dataset), spec, settings,
        RunConfig.Versions.current(), ensemble, null);
  }

  /** Writes the split and the normalisation into {@code folder} (the caller writes the config, in its order). */
  void save(RunFolder folder, Normalization normalization) throws IOException {
    split.save(folder.split());
    normalization.save(folder.normalization());
  }

  /** What the split's sizes will cost the run, one sentence each; empty when they are ample. */
  private static List<String> sizeWarnings(TrainValidationSplit split, TrainingSettings settings) {
    List<String> warnings = new ArrayList<>();
    int validation = split.validation().size();
    if (validation < FusionValidation.Scores.FEW_IMAGES) {
      warnings.add("the run validates on " + validation + " images; with fewer than "
          + FusionValidation.Scores.FEW_IMAGES + " the best checkpoint is chosen on noise, and export will neither "
          + "fit temperatures nor choose a fusion rule unless asked (a larger validation fraction, or more images)");
    }
    int training = split.train().size();
    if (training < settings.batchSize()) {
      warnings.add(training + " training images are fewer than a batch of " + settings.batchSize() + ": every "
          + "batch repeats images (a batch of at most " + training + ")");
    }
    return warnings;
  }}
