package org.dlema.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.export.ModelExporter;
import org.dlema.train.Checkpoints;

/** {@code dlema export}: a trained run as a SavedModel in TF Serving layout. */
final class ExportCommand extends OptionsCommand {
  ExportCommand() {
    super("export");
  }

  @Override
  public String summary() {
    return "export a trained run as a SavedModel (TF Serving layout, signature serving_default)";
  }

  @Override
  String description() {
    return "Builds the serving graph (raw RGB 0..255 of any size in; resizing and normalisation inside; "
        + "probability, mask and aleatoric variance out at the input's size), loads the run's weights and writes "
        + "OUT/NAME/VERSION/ with saved_model.pb, variables/ and assets.extra/model_card.json. The version folder "
        + "appears complete or not at all.";
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
    options.addOption(valued("checkpoint", "KIND", "best, latest or final (default best)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path run = Path.of(required(line, "run"));
    Path root = Path.of(line.getOptionValue("out", "export"));
    String name = line.getOptionValue("name", run.toAbsolutePath().normalize().getFileName().toString());
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new UsageException("--name may use letters, digits, '.', '_' and '-' only, got '" + name + "'");
    }
    String checkpoint = line.getOptionValue("checkpoint", Checkpoints.BEST);
    if (!checkpoint.equals(Checkpoints.BEST) && !checkpoint.equals(Checkpoints.LATEST)
        && !checkpoint.equals(Checkpoints.FINAL)) {
      throw new UsageException("--checkpoint must be best, latest or final, got '" + checkpoint + "'");
    }
    int version = line.hasOption("version") ? intOption(line, "version", 1, 1)
        : ModelExporter.nextVersion(root.resolve(name));
    Path written = ModelExporter.export(run, checkpoint, root, name, version);
    console.out().println("wrote " + written);
    return 0;
  }
}
