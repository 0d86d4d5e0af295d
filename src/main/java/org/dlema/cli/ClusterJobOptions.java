package org.dlema.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.dlema.cluster.ClusterJob;

/**
 * The options shared by {@code cluster slurm} and {@code cluster k8s}: the run, its data and test sets, and the
 * options of {@code dlema train} given after {@code --}, checked here with train's own parser.
 */
final class ClusterJobOptions {
  /** Options the written jobs set themselves. */
  private static final Set<String> SET_BY_THE_JOBS = Set.of("method", "data", "out", "member", "resume",
      "side-by-side", "help");
  /** Train options whose values are paths, made absolute for jobs that start elsewhere. */
  private static final Set<String> PATHS = Set.of("spec", "init-from");

  private ClusterJobOptions() {}

  /**
   * @param engine the scheduler as the help names it
   * @param suffix what the default --out appends
   */
  static void add(Options options, String engine, String suffix) {
    options.addOption(OptionsCommand.valued("run", "DIR", "the ensemble's run folder, on storage every " + engine
        + " task reads and writes"));
    options.addOption(OptionsCommand.valued("data", "DIR", "the training set (folder or manifest)"));
    options.addOption(OptionsCommand.valued("test", "DIR", "a test set the fused ensemble is evaluated on "
        + "(repeatable; none: export only)"));
    options.addOption(OptionsCommand.valued("out", "DIR", "folder for the written files (default: the run folder's "
        + (suffix.equals("slurm") ? "path" : "name, in the current folder,") + " with -" + suffix + " appended)"));
    options.addOption(OptionsCommand.valued("name", "NAME", "job and model name (default: the run folder's name)"));
    options.addOption(OptionsCommand.valued("export", "DIR", "export root of the fused ensemble (default: export/ "
        + "beside the run folder)"));
    options.addOption(OptionsCommand.valued("dlema", "PATH", "the dlema launcher the jobs run (a path, or a name on "
        + "the PATH); the DLEMA environment variable overrides it at run time"));
  }

  static String footer(String engine) {
    return "Options after -- are passed to every member's `dlema train --method dlema` (e.g. -- --batch 16 --lr 2e-3 "
        + "--steps 1500); --members M among them sets the ensemble's size, which is otherwise the largest "
        + "annotation count of the training images, as train would choose. Nothing is submitted: run OUT/submit.sh "
        + "(see docs/cluster.md). A task that " + engine + " starts again continues its member from the latest "
        + "checkpoint with --resume.";
  }

  /**
   * The job described by the command line.
   *
   * @param local whether the paths are this machine's (Slurm: made absolute) or the pods' (Kubernetes: as given)
   */
  static ClusterJob job(CommandLine line, boolean local, String defaultDlema)
      throws UsageException, IOException {
    UnaryOperator<Path> where = local ? p -> p.toAbsolutePath().normalize() : p -> p;
    Path run = where.apply(Path.of(OptionsCommand.required(line, "run")));
    Path data = where.apply(Path.of(OptionsCommand.required(line, "data")));
    List<Path> tests = new ArrayList<>();
    for (String test : line.getOptionValues("test") == null ? new String[0] : line.getOptionValues("test")) {
      tests.add(where.apply(Path.of(test)));
    }
    CommandLine train = parseTrain(line.getArgList());
    int asked = TrainOptions.MEMBERS.integer(train, 0, 1);
    if (asked == 0 && !local && !Files.exists(data)) {
      throw new UsageException("--data " + data + " is not readable here, so the ensemble's size is unknown: give "
          + "-- --members M");
    }
    int members = ClusterJob.members(run, data, asked, TrainOptions.SEED.whole(train),
        TrainOptions.VALIDATION_FRACTION.decimal(train, 0.01, 0.9));
    String name = line.getOptionValue("name", OptionsCommand.folderName(run, "dlema"));
    if (!ClusterJob.jobName(name).equals(name)) {
      throw new UsageException("--name must be lower-case letters, digits and '-' (a Kubernetes job name), e.g. '"
          + ClusterJob.jobName(name) + "', got '" + name + "'" + (line.hasOption("name") ? ""
          : " (the run folder's name)"));
    }
    Path parent = run.getParent() == null ? Path.of(".") : run.getParent();
    Path export = line.hasOption("export") ? where.apply(Path.of(line.getOptionValue("export")))
        : parent.resolve("export");
    return new ClusterJob(name, line.getOptionValue("dlema", defaultDlema), run, data, tests, members,
        trainOptions(line.getArgList(), train, local), export, parent.resolve(run.getFileName() + "-evaluation"));
  }

  /** The train options as the jobs pass them on: refused when the jobs set them, paths made absolute for Slurm. */
  private static List<String> trainOptions(List<String> given, CommandLine parsed, boolean local)
      throws UsageException {
    List<String> options = new ArrayList<>(given);
    for (Option option : parsed.getOptions()) {
      if (SET_BY_THE_JOBS.contains(option.getLongOpt())) {
        throw new UsageException("-- --" + option.getLongOpt() + ": the written jobs set it themselves (use --run, "
            + "--data and the task's index)");
      }
    }
    if (local) {
      for (int i = 0; i + 1 < options.size(); i++) {
        String name = options.get(i).replaceFirst("^--", "");
        Path value = Path.of(options.get(i + 1));
        if (PATHS.contains(name) && Files.exists(value)) {
          options.set(i + 1, value.toAbsolutePath().normalize().toString());
        }
      }
    }
    return options;
  }

  private static CommandLine parseTrain(List<String> options) throws UsageException {
    try {
      CommandLine line = DefaultParser.builder().get().parse(Declared.options(TrainOptions.ALL),
          options.toArray(String[]::new));
      if (!line.getArgList().isEmpty()) {
        throw new UsageException("after --: unexpected argument '" + line.getArgList().get(0) + "'");
      }
      return line;
    } catch (ParseException e) {
      throw new UsageException("after -- (options of dlema train): " + e.getMessage());
    }
  }

  /** The launcher of the checkout this code runs from, or {@code dlema} (on the PATH) when there is none. */
  static String launcher() {
    try {
      Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path folder = code; folder != null; folder = folder.getParent()) {
        Path script = folder.resolve("dlema");
        if (Files.isRegularFile(script) && Files.isRegularFile(folder.resolve("pom.xml"))) {
          return script.toAbsolutePath().toString();
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // A class source that is not a file: fall back to the PATH.
    }
    return "dlema";
  }
}
