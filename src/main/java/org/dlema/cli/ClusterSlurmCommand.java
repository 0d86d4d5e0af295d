package org.dlema.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.cluster.ClusterJob;
import org.dlema.cluster.SlurmScripts;

/** {@code dlema cluster slurm}: the members as a Slurm job array, then the fused export and evaluation. */
final class ClusterSlurmCommand extends ClusterCommand {
  ClusterSlurmCommand() {
    super("cluster slurm", "Slurm");
  }

  @Override
  public String summary() {
    return "write a Slurm job array (one task per member) and the dependent export and evaluation job";
  }

  @Override
  String description() {
    return "Writes OUT/members.sbatch (a job array: task i trains member i into the shared run folder with "
        + "`dlema train --method dlema --member i`; a re-queued task continues its member with --resume), "
        + "OUT/fuse.sbatch (exports the fused ensemble and evaluates it on the test sets) and OUT/submit.sh, which "
        + "submits both, the second with --dependency=afterok on the array. Paths are made absolute; the jobs "
        + "start in the current folder.";
  }

  private static final Declared<String> TIME = Declared.valued("time", "T", "wall-time limit of each task, e.g. "
      + "24:00:00 or 2-00:00:00", "24:00:00");
  private static final Declared<Integer> CPUS = Declared.valued("cpus", "N", "CPUs per task", 4);
  private static final Declared<String> MEMORY = Declared.valued("mem", "M", "memory per task in Slurm's notation",
      "8G");

  @Override
  Options options() {
    Options options = new Options();
    ClusterJobOptions.add(options, "Slurm", "slurm");
    options.addOption(valued("partition", "P", "Slurm partition (default: the cluster's default)"));
    options.addOption(TIME.option());
    options.addOption(CPUS.option());
    options.addOption(MEMORY.option());
    return options;
  }

  @Override
  String defaultOut(CommandLine line) {
    return line.hasOption("run") ? line.getOptionValue("run") + "-slurm" : null;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path out = outputFolder(line);
    ClusterJob job = ClusterJobOptions.job(line, true, ClusterJobOptions.launcher());
    String time = TIME.text(line);
    String memory = MEMORY.text(line);
    if (!time.matches("(\\d+-)?\\d+(:\\d{2}){0,2}") || !memory.matches("\\d+[KMGT]?")) {
      throw new UsageException("--time takes [D-]HH:MM:SS and --mem a size such as 8G, got '" + time + "' and '"
          + memory + "'");
    }
    SlurmScripts.write(job, new SlurmScripts.Resources(line.getOptionValue("partition"), time,
        CPUS.integer(line, 1), memory, Path.of("").toAbsolutePath()), out);
    console.out().println("wrote " + out.resolve(SlurmScripts.MEMBERS) + " (" + job.members() + " tasks), "
        + out.resolve(SlurmScripts.FUSE) + " and " + out.resolve(SlurmScripts.SUBMIT));
    console.out().println("submit: " + out.resolve(SlurmScripts.SUBMIT));
    return 0;
  }
}
