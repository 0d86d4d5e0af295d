package org.dlema.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.export.Calibrations;
import org.dlema.export.ExportRequest;
import org.dlema.export.Exports;
import org.dlema.export.ProbabilityCalibration;
import org.dlema.export.ServingConfig;
import org.dlema.graph.FusionRule;
import org.dlema.train.CheckpointKind;
import org.dlema.train.RunConfig;

/** {@code dlema export}: a trained run as a SavedModel in TF Serving layout. */
final class ExportCommand extends OptionsCommand {
  ExportCommand() {
    super("export");
  }

  @Override
  public String summary() {
    return "export a trained run (single network or D-LEMA ensemble) as SavedModels in TF Serving layout";
  }

  @Override
  String description() {
    return "Builds the serving graph (raw RGB 0..255 of any size in; resizing and normalisation inside; "
        + "probability, mask and aleatoric variance out at the input's size), loads the run's weights and writes "
        + "OUT/NAME/VERSION/ with saved_model.pb, variables/ and assets.extra/model_card.json. For a D-LEMA "
        + "ensemble run it writes every member as OUT/NAME-member-I/VERSION/ and the fused ensemble as "
        + "OUT/NAME/VERSION/: one graph holding all members, with the signatures uniform, pixel_confidence, "
        + "image_confidence (paper eq. 4) and serving_default (the rule with the best validation Jaccard, or "
        + "--fusion), outputs probability, mask, aleatoric, epistemic and member_probabilities. OUT/models.config "
        + "lists every model under OUT for TF Serving. Version folders appear complete or not at all.";
  }

  @Override
  String footer() {
    return "Serve it with: tensorflow_model_server --rest_api_port=8501 --model_name=NAME "
        + "--model_base_path=$PWD/export/NAME (see docs/serving.md).";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("run", "DIR", "the trained run folder"));
    options.addOption(valued("out", "DIR", "export root (default export)"));
    options.addOption(valued("name", "NAME", "model name (default: the run folder's name)"));
    options.addOption(valued("version", "N", "integer version (default: one more than the highest present)"));
    options.addOption(valued("checkpoint", "KIND", "best, latest or final (default best; for an ensemble, of "
        + "every member)"));
    options.addOption(valued("fusion", "RULE", "ensemble only: the rule behind serving_default, uniform, "
        + "pixel_confidence or image_confidence (default: the best on the run's validation images; uniform, with a "
        + "warning, when they are fewer than " + Calibrations.FEW_IMAGES + ")"));
    options.addOption(valued("calibration", "NAME", "temperature (each network's logit divided by the temperature "
        + "fitted on the run's validation images against their reference masks, or every annotation when the data "
        + "has none, stored in calibration.json; a fused ensemble's probability then divided by one more per rule, "
        + "stored in fusion-calibration.json; the default), members (each network's temperature only; the fusion "
        + "served as it is) or none (the probabilities as trained; the default, with a warning, for a run with "
        + "fewer than " + Calibrations.FEW_IMAGES + " validation images)"));
    return options;
  }

  @Override
  String defaultOut(CommandLine line) {
    return "export";
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path run = Path.of(required(line, "run"));
    Path root = outputFolder(line);
    String name = line.getOptionValue("name", folderName(run, ""));
    // A plain folder name: "." and ".." would put the model beside or above the export root.
    if (!name.matches("[A-Za-z0-9._-]+") || name.matches("\\.+")) {
      throw new UsageException((line.hasOption("name") ? "--name" : "the model name (the run folder's name unless "
          + "--name gives one)") + " must be a plain folder name of letters, digits, '.', '_' and '-' (not '.' or "
          + "'..'), got '" + name + "'");
    }
    CheckpointKind checkpoint = choice(line, "checkpoint", CheckpointKind.BEST, CheckpointKind.values());
    // Absent: the library's default, temperature scaling unless the run validates on too few images.
    ProbabilityCalibration calibration = line.hasOption("calibration")
        ? switch (line.getOptionValue("calibration")) {
          case "temperature" -> ProbabilityCalibration.TEMPERATURE;
          case "members" -> ProbabilityCalibration.MEMBERS;
          case "none" -> ProbabilityCalibration.NONE;
          default -> throw new UsageException("--calibration must be temperature, members or none, got '"
              + line.getOptionValue("calibration") + "'");
        }
        : null;
    FusionRule fusion = null;
    if (line.hasOption("fusion")) {
      if (!RunConfig.read(run).isEnsemble()) {
        throw new UsageException("--fusion applies to ensemble runs; " + run + " holds a single network");
      }
      try {
        fusion = FusionRule.parse(line.getOptionValue("fusion"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--fusion: " + e.getMessage());
      }
    }
    int version = line.hasOption("version") ? intOption(line, "version", 1, 1) : ExportRequest.NEXT_VERSION;
    Exports.Written written = Exports.export(ExportRequest.of(run, checkpoint, root, name, version)
        .withFusion(fusion).withCalibration(calibration), console.err());
    for (Path member : written.members()) {
      console.out().println("wrote " + member);
    }
    if (written.defaultRule() == null) {
      console.out().println("wrote " + written.model());
      return 0;
    }
    console.out().println("wrote " + written.model() + " (serving_default = " + written.defaultRule().signature()
        + ")");
    console.out().println("wrote " + root.resolve(ServingConfig.FILE));
    return 0;
  }
}
