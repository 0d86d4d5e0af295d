package org.dlema.cli;

import java.nio.file.Files;
import java.util.Arrays;
import java.nio.file.Path;
import com.google.gson.JsonObject;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ValidationReport;
import org.dlema.data.inspect.DatasetInspection;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.partition.PartitionRule;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.data.synth.SimulatedDatasetWriter;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.data.synth.SyntheticDataset;
import org.dlema.data.synth.SyntheticLesionSettings;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/**
 * {@code dlema quickstart}: the whole pipeline on the built-in synthetic data, as far as it is built. Today that is
 * data synthesis, validation, the train/validation split, the non-contradictory partition and the normalisation
 * statistics, written as the start of a run folder.
 */
final class QuickstartCommand extends OptionsCommand {
  static final int NETWORK_SIZE = 96;

  QuickstartCommand() {
    super("quickstart");
  }

  @Override
  public String summary() {
    return "run the pipeline end to end on the built-in synthetic multi-annotator data";
  }

  @Override
  String description() {
    return "Synthesises the built-in dataset (reused when it already exists under OUT/data), checks it, splits it "
        + "80/20 into training and validation images, partitions the training annotations into M "
        + "non-contradictory subsets and computes the normalisation statistics at the network size. Writes "
        + "OUT/data/, OUT/split.json, OUT/partition.json and OUT/normalization.json. Training, fusion and export "
        + "join this command as they are built (see docs/).";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("out", "DIR", "run folder (default runs/quickstart)"));
    options.addOption(valued("count", "N", "number of synthetic images (default " + DataSynthCommand.DEFAULT_COUNT
        + ")"));
    options.addOption(valued("seed", "N", "random seed for data, split and partition (default 1)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path out = Path.of(line.getOptionValue("out", "runs/quickstart"));
    int count = intOption(line, "count", DataSynthCommand.DEFAULT_COUNT, 2);
    long seed = longOption(line, "seed", 1);
    Path data = out.resolve("data");
    Path description = data.resolve(SimulatedDatasetWriter.DESCRIPTION);
    if (Files.isRegularFile(description)) {
      JsonObject made = JsonFiles.read(description, JsonObject.class);
      int madeCount = made.getAsJsonObject("origin").get("images").getAsInt();
      long madeSeed = made.getAsJsonObject("settings").get("seed").getAsLong();
      if (madeCount != count || madeSeed != seed) {
        throw new UsageException(data + " holds " + madeCount + " images made with seed " + madeSeed
            + ", not " + count + " with seed " + seed + "; choose another --out or remove it");
      }
      console.out().println("[1/4] reusing the synthetic dataset in " + data);
    } else {
      console.out().println("[1/4] synthesising " + count + " images into " + data);
      DataSimulateCommand.printSummary(SyntheticDataset.write(data, count,
          SyntheticLesionSettings.defaults(DataSynthCommand.DEFAULT_SIZE), SimulatorSettings.defaults(seed),
          Progress.onStderr("synthesising", count)), console);
    }

    console.out().println("[2/4] checking every file");
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = DatasetReader.read(data, ReadOptions.strict(), report);
    DatasetInspection inspection = DatasetInspection.of(dataset, report, Progress.onStderr("checking",
        dataset.size()));
    DataInspectCommand.print(inspection, console);
    report.throwIfErrors();

    console.out().println("[3/4] splitting and partitioning");
    TrainValidationSplit split = TrainValidationSplit.create(dataset, TrainValidationSplit.DEFAULT_VALIDATION_FRACTION,
        seed);
    MultiAnnotatedDataset training = split.trainingSet(dataset);
    NonContradictoryPartition partition = NonContradictoryPartition.create(training, dataset.maxAnnotations(),
        PartitionRule.UNIFORM, seed);
    console.out().println("  " + split.train().size() + " training and " + split.validation().size()
        + " validation images; subset sizes " + Arrays.toString(partition.subsetSizes()));

    console.out().println("[4/4] normalisation statistics of the training images at " + NETWORK_SIZE + "x"
        + NETWORK_SIZE);
    Normalization normalization = Normalization.of(training, NETWORK_SIZE, NETWORK_SIZE,
        Progress.onStderr("statistics", training.size()));
    // Written last, together, so that a failure above leaves no partial run description.
    split.save(out.resolve("split.json"));
    partition.save(out.resolve("partition.json"), training);
    normalization.save(out.resolve("normalization.json"));
    console.out().printf("  mean %.1f %.1f %.1f, std %.1f %.1f %.1f%n", normalization.mean()[0],
        normalization.mean()[1], normalization.mean()[2], normalization.std()[0], normalization.std()[1],
        normalization.std()[2]);
    console.out().println("done: " + out);
    return 0;
  }
}
