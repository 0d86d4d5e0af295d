package org.dlema.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code dlema} command: git-style verbs, one line on stderr and a non-zero exit on any failure. */
public final class Main {
  /** Exit code for bad data or a failed job. */
  static final int FAILED = 1;
  /** Exit code for bad command-line usage. */
  static final int USAGE = 2;
  static final String DEBUG = "--debug";
  static final String VERBOSE = "--verbose";

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
            new CommandGroup("dlema cluster",
                "The ensemble's members on a cluster: job scripts that train one member per task, then fuse.",
                List.of(new ClusterSlurmCommand(), new ClusterK8sCommand())),
            new CommandGroup("dlema data",
                "Multi-annotator datasets: create, simulate, check and partition them.",
                List.of(new DataInspectCommand(), new DataSynthCommand(), new DataSimulateCommand(),
                    new DataPartitionCommand(), new DataSplitCommand(),
                    new DataStapleCommand(), new DataCropCommand()))));
  }

  public static void main(String[] args) {
    System.exit(run(args, Console.system()));
  }

  /** Runs one command line; never throws, never exits (tests call this). */
  static int run(String[] args, Console console) {
    List<String> arguments = new ArrayList<>(Arrays.asList(args));
    // Global flags, accepted anywhere: --debug prints the full trace of a failure; --verbose is read by the
    // launcher (TensorFlow's own log lines) and only removed here.
    boolean debug = arguments.remove(DEBUG);
    arguments.remove(VERBOSE);
    try {
      int code = commands().run(arguments, console);
      // A PrintStream keeps write errors to itself: results lost to a full disk or a closed pipe must not exit 0.
      if (console.out().checkError()) {
        console.err().println("dlema: error: standard output could not be written (a full disk, or a closed "
            + "pipe?); the results above are incomplete");
        return FAILED;
      }
      return code;
    } catch (UsageException e) {
      console.err().println("dlema: " + e.getMessage() + " (see --help)");
      return USAGE;
    } catch (Throwable e) {
      ErrorLine.Described described = ErrorLine.of(e);
      if (described.internal()) {
        console.err().println("dlema: internal error: " + described.line()
            + (debug ? "" : " (run again with --debug for the full trace)"));
      } else {
        console.err().println("dlema: error: " + described.line());
      }
      if (debug) {
        e.printStackTrace(console.err());
      }
      return FAILED;
    } finally {
      console.out().flush();
      console.err().flush();
    }
  }
}
