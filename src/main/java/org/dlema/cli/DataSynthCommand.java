package org.dlema.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.synth.SimulatedDatasetWriter;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.data.synth.SyntheticDataset;
import org.dlema.data.synth.SyntheticLesionSettings;
import org.dlema.io.Progress;

/** {@code dlema data synth}: the built-in synthetic multi-annotator dataset. */
final class DataSynthCommand extends OptionsCommand {
  static final int DEFAULT_COUNT = 200;
  static final int DEFAULT_SIZE = 128;
  private static final Declared<Double> HAIR = Declared.valued("hair", "P", "probability of hair strands per image",
      SyntheticLesionSettings.DEFAULT_HAIR);
  private static final Declared<Double> VIGNETTING = Declared.valued("vignetting", "P", "probability of dark "
      + "dermatoscope corners", SyntheticLesionSettings.DEFAULT_VIGNETTING);

  DataSynthCommand() {
    super("data synth");
  }

  @Override
  public String summary() {
    return "write the built-in synthetic multi-annotator lesion dataset (deterministic from --seed)";
  }

  @Override
  String description() {
    return "Generates dermoscopy-like images (skin texture, an irregular pigmented lesion, optional hair and "
        + "vignetting) with an exact lesion mask, then has simulated annotators draw 1..M masks per image in the "
        + "three ISIC styles. Writes images/, masks/, reference/, manifest.csv and simulation.json; the folder "
        + "appears complete or not at all.";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("out", "DIR", "folder to create (must not exist or be empty)"));
    options.addOption(valued("count", "N", "number of images (default " + DEFAULT_COUNT + ")"));
    options.addOption(valued("size", "PX", "side of the square images in pixels (default " + DEFAULT_SIZE + ")"));
    options.addOption(HAIR.option());
    options.addOption(VIGNETTING.option());
    SimulatorOptions.add(options);
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path out = Path.of(required(line, "out"));
    int count = intOption(line, "count", DEFAULT_COUNT, 1);
    SyntheticLesionSettings defaults =
        SyntheticLesionSettings.defaults(intOption(line, "size", DEFAULT_SIZE, SyntheticLesionSettings.MIN_SIZE));
    SyntheticLesionSettings generator = new SyntheticLesionSettings(defaults.size(),
        HAIR.decimal(line, 0, 1), VIGNETTING.decimal(line, 0, 1));
    SimulatorSettings simulator = SimulatorOptions.parse(line);
    SimulatedDatasetWriter.Summary summary = SyntheticDataset.write(out, count, generator, simulator,
        Progress.onStderr("synthesising", count));
    DataSimulateCommand.printSummary(summary, console);
    return 0;
  }
}
