package org.dlema.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.synth.AnnotationCounts;
import org.dlema.data.synth.SimulatorSettings;

/** The annotator-simulator options shared by {@code data synth} and {@code data simulate}. */
final class SimulatorOptions {
  private SimulatorOptions() {}

  static void add(Options options) {
    options.addOption(OptionsCommand.valued("seed", "N", "random seed; same seed, same dataset (default 1)"));
    options.addOption(OptionsCommand.valued("counts", "LIST",
        "annotations per image as count:weight pairs (default " + AnnotationCounts.ISIC
            + ", the paper's ISIC training set)"));
    options.addOption(OptionsCommand.valued("annotators", "N",
        "size of the simulated annotator pool, styles cycling automatic / semi-automatic / polygon (default "
            + SimulatorSettings.DEFAULT_ANNOTATORS + ", or the largest count in --counts when that is more)"));
    options.addOption(OptionsCommand.valued("disagreement", "X",
        "scales every annotator's border displacement; 1 gives a mean pairwise Cohen's kappa of about 0.67 on "
            + "ISIC-like lesions, 0 removes every displacement (default 1)"));
    options.addOption(OptionsCommand.valued("gross-errors", "P",
        "probability that an annotation misses a lobe or spills into the skin (default "
            + SimulatorSettings.DEFAULT_GROSS_ERROR_PROBABILITY + ")"));
    options.addOption(OptionsCommand.valued("biased-annotator", "X",
        "make annotator 1 systematically biased: every border it draws moves by X lesion radii (0.3 = outwards by "
            + "30% of the radius, negative = inwards; -1 < X <= 2) (default 0: no such annotator)"));
  }

  static SimulatorSettings parse(CommandLine line) throws UsageException {
    AnnotationCounts counts = AnnotationCounts.ISIC;
    if (line.hasOption("counts")) {
      try {
        counts = AnnotationCounts.parse(line.getOptionValue("counts"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--counts: " + e.getMessage());
      }
    }
    int annotators = OptionsCommand.intOption(line, "annotators", Math.max(SimulatorSettings.DEFAULT_ANNOTATORS,
        counts.max()), 1);
    if (annotators < counts.max()) {
      throw new UsageException("--annotators " + annotators + " is fewer than the largest annotation count "
          + counts.max() + " (each annotation of an image comes from a different annotator)");
    }
    return new SimulatorSettings(annotators,
        OptionsCommand.doubleOption(line, "disagreement", SimulatorSettings.DEFAULT_DISAGREEMENT, 0, 100),
        OptionsCommand.doubleOption(line, "gross-errors", SimulatorSettings.DEFAULT_GROSS_ERROR_PROBABILITY, 0, 1),
        counts, OptionsCommand.longOption(line, "seed", 1),
        OptionsCommand.doubleOption(line, "biased-annotator", 0, -0.999, 2));
  }
}
