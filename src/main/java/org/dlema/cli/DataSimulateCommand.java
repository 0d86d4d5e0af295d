package org.dlema.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.DatasetReader;
import org.dlema.data.DatasetValidator;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ValidationReport;
import org.dlema.data.synth.AnnotatorSimulator;
import org.dlema.data.synth.SimulatedDatasetWriter;
import org.dlema.io.Progress;

/** {@code dlema data simulate}: real images with one mask each become a multi-annotator dataset. */
final class DataSimulateCommand extends OptionsCommand {
  DataSimulateCommand() {
    super("data simulate");
  }

  @Override
  public String summary() {
    return "turn real images with one mask each into a multi-annotator set (simulated ISIC-style annotators)";
  }

  @Override
  String description() {
    return "Reads a dataset whose images have one reference mask each (the first mask is used when there are "
        + "several), validates every file, then writes a copy in which simulated annotators (automatic + review, "
        + "semi-automatic, manual polygon; persistent bias, per-image noise, occasional gross errors) have drawn "
        + "1..M masks per image. The reference masks are kept under reference/ for evaluation. Nothing is written "
        + "when validation fails.";
  }

  @Override
  String footer() {
    return "Example: dlema data simulate --data ../isic2018-256 --out data/isic-sim";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("data", "DIR", "the source dataset (folder or manifest)"));
    options.addOption(valued("out", "DIR", "folder to create (must not exist or be empty)"));
    options.addOption(flag("skip-unannotated", "leave out source images that have no mask instead of failing"));
    SimulatorOptions.add(options);
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path source = dataOption(line);
    Path out = Path.of(required(line, "out"));
    AnnotatorSimulator simulator = new AnnotatorSimulator(SimulatorOptions.parse(line));
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset =
        DatasetReader.read(source, new ReadOptions(line.hasOption("skip-unannotated")), report);
    report.throwIfErrors();
    DatasetValidator.validate(dataset, report, loaded -> { }, Progress.onStderr("validating", dataset.size()));
    report.throwIfErrors();
    List<SimulatedDatasetWriter.FileSource> sources = new ArrayList<>();
    int extraMasks = 0;
    for (AnnotatedImage image : dataset.images()) {
      sources.add(new SimulatedDatasetWriter.FileSource(image.id(), image.image(),
          image.annotations().get(0).file()));
      extraMasks += image.annotationCount() - 1;
    }
    if (extraMasks > 0) {
      console.err().println("note: " + extraMasks + " masks beyond the first of their image were not used");
    }
    SimulatedDatasetWriter.Summary summary = SimulatedDatasetWriter.write(out, sources, simulator,
        new SimulatedDatasetWriter.RealOrigin(source, dataset.size()), Progress.onStderr("simulating",
            dataset.size()));
    printSummary(summary, console);
    return 0;
  }

  static void printSummary(SimulatedDatasetWriter.Summary summary, Console console) {
    StringBuilder histogram = new StringBuilder();
    summary.histogram().forEach((count, images) ->
        histogram.append(histogram.length() == 0 ? "" : ", ").append(images).append(" with ").append(count));
    // As the user would type it: relative to the working folder when the output is inside it.
    Path here = Path.of("").toAbsolutePath();
    Path folder = summary.folder().toAbsolutePath();
    console.out().println("wrote " + (folder.startsWith(here) ? here.relativize(folder) : folder));
    console.out().println("images:      " + summary.images() + ", masks: " + summary.annotations());
    console.out().println("annotations: " + histogram);
    console.out().printf("agreement:   mean pairwise Cohen's kappa %.3f, mean pairwise Jaccard %.3f%n",
        summary.meanKappa(), summary.meanJaccard());
  }
}
