package org.dlema.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.experiment.ExperimentComparison;

/** {@code dlema compare}: finished experiments side by side, e.g. the points of a noise sweep. */
final class CompareCommand extends OptionsCommand {
  CompareCommand() {
    super("compare");
  }

  @Override
  public String summary() {
    return "put finished experiments side by side: a Jaccard table and a line chart (e.g. a noise sweep)";
  }

  @Override
  String description() {
    return "Reads OUT/evaluation/evaluation.json of every --point experiment and writes OUT/comparison.md (Jaccard "
        + "± standard error of every method at every point, a * where the difference to the baseline exceeds "
        + "--spread) and OUT/comparison.png (the methods over the points; members, single MC-dropout networks "
        + "and uncalibrated copies are left out of the chart).";
  }

  @Override
  String footer() {
    return "Example: dlema compare --point 'gross 0.05=runs/sweep-0.05' --point 'gross 0.2=runs/sweep-0.2' --out "
        + "runs/sweep (see docs/results.md)";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("point", "LABEL=DIR", "an experiment folder and its label on the chart's axis "
        + "(repeatable, in order)"));
    options.addOption(valued("set", "NAME", "the test set to compare (default: the one scored against reference "
        + "masks, else the first)"));
    options.addOption(valued("spread", "X", "Jaccard points a difference to the baseline must exceed to be "
        + "marked, e.g. the seed-to-seed spread (default: twice the standard error of the difference)"));
    options.addOption(valued("out", "DIR", "folder for comparison.md and comparison.png"));
    return options;
  }

  @Override
  Set<String> repeatable() {
    return Set.of("point");
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    String[] given = line.getOptionValues("point");
    if (given == null) {
      throw new UsageException("give at least one --point LABEL=DIR");
    }
    List<ExperimentComparison.Point> points = new ArrayList<>();
    for (String point : given) {
      int eq = point.lastIndexOf('=');
      if (eq <= 0 || eq == point.length() - 1) {
        throw new UsageException("--point must be LABEL=DIR, got '" + point + "'");
      }
      points.add(new ExperimentComparison.Point(point.substring(0, eq), Path.of(point.substring(eq + 1))));
    }
    Path out = Path.of(required(line, "out"));
    Double spread = line.hasOption("spread") ? doubleOption(line, "spread", 0, 0, 100) : null;
    ExperimentComparison.Comparison c = ExperimentComparison.read(points, line.getOptionValue("set"));
    ExperimentComparison.write(c, spread, out);
    console.out().print(ExperimentComparison.markdown(c, spread));
    console.out().println("wrote " + out.resolve(ExperimentComparison.TABLE) + " and "
        + out.resolve(ExperimentComparison.FIGURE));
    return 0;
  }
}
