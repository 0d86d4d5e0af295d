package org.dlema.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.dlema.data.DatasetException;

/** The {@code dlema} command: git-style verbs, one line on stderr and a non-zero exit on any failure. */
public final class Main {
  /** Exit code for bad data or a failed job. */
  static final int FAILED = 1;
  /** Exit code for bad command-line usage. */
  static final int USAGE = 2;

  private Main() {}

  static CommandGroup commands() {
    return new CommandGroup("dlema",
        "D-LEMA: segmentation ensembles trained from images with several disagreeing expert masks.",
        List.of(
            new QuickstartCommand(),
            new TrainCommand(),
            new ExportCommand(),
            new PredictCommand(),
            new RequestCommand(),
            new InspectCommand(),
            new EvaluateCommand(),
            new ExperimentCommand(),
            new CompareCommand(),
            new WeightsCommand(),
            new BenchmarkCommand(),
            new VersionCommand(),
            new CommandGroup("dlema data",
                "Multi-annotator datasets: create, simulate, check and partition them.",
                List.of(new DataInspectCommand(), new DataSynthCommand(), new DataSimulateCommand(),
                    new DataPartitionCommand(), new DataSplitCommand(),
                    new DataStapleCommand()))));
  }

  public static void main(String[] args) {
    System.exit(run(args, Console.system()));
  }

  /** Runs one command line; never throws, never exits (tests call this). */
  static int run(String[] args, Console console) {
    try {
      return commands().run(Arrays.asList(args), console);
    } catch (UsageException e) {
      console.err().println("dlema: " + e.getMessage() + " (see --help)");
      return USAGE;
    } catch (DatasetException | IllegalArgumentException | UncheckedIOException | IOException e) {
      console.err().println("dlema: error: " + e.getMessage() + Advice.of(e));
      return FAILED;
    } catch (Exception e) {
      console.err().println("dlema: internal error: " + e);
      e.printStackTrace(console.err());
      return FAILED;
    } finally {
      console.out().flush();
      console.err().flush();
    }
  }
}
