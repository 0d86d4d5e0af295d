package org.dlema.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.DatasetReader;
import org.dlema.data.Manifests;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;

/** {@code dlema data split}: a held-out test set, as two manifests over the same files. */
final class DataSplitCommand extends OptionsCommand {
  DataSplitCommand() {
    super("data split");
  }

  @Override
  public String summary() {
    return "hold out a seeded share of the images as a test set: OUT/train.csv and OUT/test.csv manifests";
  }

  @Override
  String description() {
    return "Splits the images (with all their annotations) into a training and a test set by a seeded draw and "
        + "writes two manifests over the original files (nothing is copied): OUT/train.csv and OUT/test.csv, "
        + "paths relative to OUT. Reference masks kept beside the images (reference/) are still found through "
        + "them, so 'dlema evaluate --data OUT/test.csv' also scores against the reference masks. OUT appears "
        + "complete or not at all. With --group-by, images of one group (e.g. one patient) stay on one side.";
  }

  @Override
  String footer() {
    return "Example: dlema data split --data data/isic-sim --out data/isic-sim-split (1600 + 400 images); by patient: "
        + "--group-by '^(L\\d+)_'";
  }

  private static final Declared<Double> TEST_FRACTION = Declared.valued("test-fraction", "X", "share of the images "
      + "in the test set", TrainValidationSplit.DEFAULT_VALIDATION_FRACTION);
  private static final Declared<Long> SEED = Declared.seed("random seed");

  @Override
  Options options() {
    return Declared.options(List.of(Declared.valued("data", "DIR", "the dataset (folder or manifest)", null),
        Declared.valued("out", "DIR", "where to write train.csv, test.csv and split.json (must not exist)", null),
        TEST_FRACTION, SEED, TrainOptions.GROUP_BY));
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    MultiAnnotatedDataset dataset = DatasetReader.read(dataOption(line), ReadOptions.strict());
    Path out = Path.of(required(line, "out"));
    TrainValidationSplit split = TrainValidationSplit.create(dataset, TEST_FRACTION.decimal(line, 0.01, 0.99),
        SEED.whole(line), groupByOption(line));
    List<AnnotatedImage> train = split.trainingSet(dataset).images();
    List<AnnotatedImage> test = split.validationSet(dataset).images();
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      // Relative to the final folder: the staging folder sits beside it, at the same depth.
      JsonFiles.writeString(dir.path().resolve("train.csv"), Manifests.of(train, out));
      JsonFiles.writeString(dir.path().resolve("test.csv"), Manifests.of(test, out));
      split.save(dir.path().resolve("split.json"));
      dir.commit();
    }
    console.out().println("wrote " + out.resolve("train.csv") + " (" + train.size() + " images) and "
        + out.resolve("test.csv") + " (" + test.size() + " images)"
        + (split.groupBy() == null ? "" : ", groups kept whole by '" + split.groupBy() + "'")
        + (ReferenceMasks.complete(dataset) ? "; reference masks found beside the images" : ""));
    return 0;
  }
}
