package org.dlema.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.export.SavedModelInspection;

/** {@code dlema inspect}: what an exported SavedModel offers, without loading it. */
final class InspectCommand extends OptionsCommand {
  InspectCommand() {
    super("inspect");
  }

  @Override
  public String summary() {
    return "show an exported model's tags, signatures (typed inputs and outputs), graph size and model card";
  }

  @Override
  String description() {
    return "Reads saved_model.pb (no weights are loaded) and prints, like saved_model_cli show --all: the tag "
        + "sets, the number of graph ops, every signature with its method name and its inputs and outputs "
        + "(dtype, shape with -1 for any size, graph tensor), then assets.extra/model_card.json.";
  }

  @Override
  int positionalArguments() {
    return 1;
  }

  @Override
  Options options() {
    return new Options();
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    if (line.getArgList().isEmpty()) {
      throw new UsageException("give one exported version folder, e.g. dlema inspect export/NAME/1");
    }
    console.out().print(SavedModelInspection.describe(Path.of(line.getArgList().get(0))));
    return 0;
  }
}
