package org.dlema.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ValidationReport;
import org.dlema.data.inspect.DatasetInspection;
import org.dlema.io.Progress;

/** {@code dlema data inspect DIR}: what a dataset holds and what is wrong with it. */
final class DataInspectCommand extends OptionsCommand {
  private static final int LISTED = 20;

  DataInspectCommand() {
    super("data inspect");
  }

  @Override
  public String summary() {
    return "check every image and mask of a dataset and describe it (counts, agreement, channel statistics)";
  }

  @Override
  String description() {
    return "Decodes every image and mask and reports: the number of images and masks, the annotation-count "
        + "histogram, image sizes, per-channel mean and standard deviation, the mean pairwise Cohen's kappa and "
        + "Jaccard between annotations of the same image, repairs (greyscale or RGBA images, non-binary masks) "
        + "and problems, each naming its file. Exits with 1 when the dataset has errors.";
  }

  @Override
  String footer() {
    return "DIR is a folder with images/ and masks/ (or a manifest.csv), or a manifest CSV file. See docs/data.md.";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("data", "DIR", "the dataset (also accepted as the only positional argument)"));
    options.addOption(flag("skip-unannotated", "leave out images that have no mask instead of failing"));
    return options;
  }

  @Override
  int positionalArguments() {
    return 1;
  }

  @Override
  int execute(CommandLine line, Console console) throws UsageException {
    Path source = dataOption(line);
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset =
        DatasetReader.read(source, new ReadOptions(line.hasOption("skip-unannotated")), report);
    DatasetInspection inspection =
        DatasetInspection.of(dataset, report, Progress.onStderr("inspecting", dataset.size()));
    print(inspection, console);
    return report.hasErrors() ? 1 : 0;
  }

  static void print(DatasetInspection inspection, Console console) {
    var out = console.out();
    MultiAnnotatedDataset dataset = inspection.dataset();
    ValidationReport report = inspection.report();
    out.println("dataset:      " + dataset.source());
    out.println("images:       " + dataset.size());
    out.println("masks:        " + dataset.annotationCount() + " (M = " + dataset.maxAnnotations()
        + " at most per image)");
    StringBuilder histogram = new StringBuilder();
    inspection.annotationHistogram().forEach((count, images) ->
        histogram.append(histogram.length() == 0 ? "" : ", ").append(images).append(" with ").append(count));
    out.println("annotations:  " + histogram);
    StringBuilder sizes = new StringBuilder();
    inspection.imageSizes().forEach((size, n) ->
        sizes.append(sizes.length() == 0 ? "" : ", ").append(n).append(" at ").append(size));
    out.println("image sizes:  " + sizes);
    if (inspection.channels() != null) {
      double[] m = inspection.channels().mean();
      double[] s = inspection.channels().std();
      out.printf("channels:     mean R %.1f G %.1f B %.1f, std R %.1f G %.1f B %.1f (0..255)%n", m[0], m[1], m[2],
          s[0], s[1], s[2]);
    }
    if (inspection.agreement().imagesWithPairs() > 0) {
      out.printf("agreement:    mean pairwise Cohen's kappa %.3f (sd %.3f over images), mean pairwise Jaccard "
              + "%.3f, over %d images with two or more masks%n", inspection.agreement().meanKappa(),
          inspection.agreement().kappaStandardDeviation(), inspection.agreement().meanJaccard(),
          inspection.agreement().imagesWithPairs());
    } else {
      out.println("agreement:    no image has two masks");
    }
    for (Map.Entry<String, Long> count : report.counts().entrySet()) {
      out.println("counted:      " + count.getValue() + " " + count.getKey());
    }
    listProblems("warnings", report.warnings(), console);
    listProblems("errors", report.errors(), console);
    out.println(report.hasErrors() ? "result:       " + report.errors().size() + " error(s); fix them before use"
        : "result:       no errors");
  }

  private static void listProblems(String title, List<ValidationReport.Problem> problems, Console console) {
    if (problems.isEmpty()) {
      console.out().printf("%-14s%s%n", title + ":", "none");
      return;
    }
    console.out().printf("%-14s%d%n", title + ":", problems.size());
    problems.stream().limit(LISTED).forEach(p -> console.out().println("  " + p));
    if (problems.size() > LISTED) {
      console.out().println("  ... and " + (problems.size() - LISTED) + " more");
    }
  }
}
