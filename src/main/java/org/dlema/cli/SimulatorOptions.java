package org.dlema.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.synth.AnnotationCounts;
import org.dlema.data.synth.SimulatorSettings;

/** The annotator-simulator options shared by {@code data synth} and {@code data simulate}. */
final class SimulatorOptions {
  private SimulatorOptions() {}

  private static final Declared<Long> SEED = Declared.seed("random seed; same seed, same dataset");
  private static final Declared<Double> DISAGREEMENT = Declared.valued("disagreement", "X", "scales every "
      + "annotator's border displacement; 1 gives a mean pairwise Cohen's kappa of about 0.67 on ISIC-like lesions, 0 "
      + "removes every displacement", SimulatorSettings.DEFAULT_DISAGREEMENT);
  private static final Declared<Double> GROSS_ERRORS = Declared.valued("gross-errors", "P", "probability that an "
      + "annotation misses a lobe or spills into the skin", SimulatorSettings.DEFAULT_GROSS_ERROR_PROBABILITY);

  static void add(Options options) {
    options.addOption(SEED.option());
    options.addOption(OptionsCommand.valued("counts", "LIST",
        "annotations per image as count:weight pairs (default " + AnnotationCounts.ISIC
            + ", the paper's ISIC training set)"));
    options.addOption(OptionsCommand.valued("annotators", "N",
        "size of the simulated annotator pool, styles cycling automatic / semi-automatic / polygon (default "
            + SimulatorSettings.DEFAULT_ANNOTATORS + ", or the largest count in --counts when that is more)"));
    options.addOption(DISAGREEMENT.option());
    options.addOption(GROSS_ERRORS.option());
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
        DISAGREEMENT.decimal(line, 0, 100), GROSS_ERRORS.decimal(line, 0, 1), counts, SEED.whole(line),
        OptionsCommand.doubleOption(line, "biased-annotator", 0, -0.999, 2));
  }
}
