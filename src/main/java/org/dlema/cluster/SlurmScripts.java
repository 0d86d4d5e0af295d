package org.dlema.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.dlema.io.AtomicDirectory;

/**
 * A Slurm job array with one task per member ({@code members.sbatch}), the job that exports and evaluates the fused
 * ensemble once every task has succeeded ({@code fuse.sbatch}), and {@code submit.sh}, which submits both with that
 * dependency. Each script is plain bash with {@code #SBATCH} lines, so it also runs without Slurm (task i with
 * {@code SLURM_ARRAY_TASK_ID=i}).
 */
public final class SlurmScripts {
  public static final String MEMBERS = "members.sbatch";
  public static final String FUSE = "fuse.sbatch";
  public static final String SUBMIT = "submit.sh";
  public static final String LOGS = "logs";

  /**
   * What each task asks of the scheduler.
   *
   * @param partition the partition, or null for the cluster's default
   * @param time wall-time limit in Slurm's notation, e.g. {@code 24:00:00} or {@code 2-00:00:00}
   * @param memory memory per task in Slurm's notation, e.g. {@code 8G}
   * @param workingDirectory where the jobs start (relative paths in the options are read from there)
   */
  public record Resources(String partition, String time, int cpus, String memory, Path workingDirectory) {
    public Resources {
      PrintableText.require("the partition", partition);
      PrintableText.require("the time limit", time);
      PrintableText.require("the memory", memory);
      PrintableText.require("the working folder", workingDirectory);
    }
  }

  private SlurmScripts() {}

  /** Writes the three scripts and an empty {@code logs/} into {@code out}, which appears complete or not at all. */
  public static void write(ClusterJob job, Resources resources, Path out) throws IOException {
    Path logs = out.toAbsolutePath().resolve(LOGS);
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      Files.createDirectories(dir.path().resolve(LOGS));
      executable(dir.path().resolve(MEMBERS), header(job, resources, "members",
          List.of("--array=1-" + job.members(), "--requeue", "--open-mode=append",
              "--output=" + sbatchValue(logs.resolve("member-%a.out").toString())))
          + "i=\"${SLURM_ARRAY_TASK_ID:?run this with sbatch, or set SLURM_ARRAY_TASK_ID to a member}\"\n"
          + job.memberScript());
      executable(dir.path().resolve(FUSE), header(job, resources, "fuse",
          List.of("--open-mode=append", "--output=" + sbatchValue(logs.resolve("fuse.out").toString())))
          + job.fuseScript());
      executable(dir.path().resolve(SUBMIT), """
          #!/usr/bin/env bash
          # Submits the members as a job array, then the fused export and evaluation to run after every member
          # has succeeded. Written by `dlema cluster slurm`.
          set -euo pipefail
          here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
          members="$(sbatch --parsable "$here/%s")"
          members="${members%%%%;*}"
          fuse="$(sbatch --parsable --dependency=afterok:"$members" "$here/%s")"
          echo "submitted job array $members (%d members) and job ${fuse%%%%;*} (export and evaluation after them)"
          echo "watch: squeue -j $members,${fuse%%%%;*}; logs in $here/%s/"
          """.formatted(MEMBERS, FUSE, job.members(), LOGS));
      dir.commit();
    }
  }

  private static String header(ClusterJob job, Resources resources, String part, List<String> extra) {
    StringBuilder script = new StringBuilder("#!/usr/bin/env bash\n");
    script.append("# dlema ensemble ").append(job.run()).append(": ").append(part.equals("members")
        ? "task i trains member i of " + job.members() + "; a re-queued task continues its member."
        : "exports the fused ensemble" + (job.tests().isEmpty() ? "." : " and evaluates it.")).append('\n');
    script.append("# Written by `dlema cluster slurm`; submit with submit.sh.\n");
    script.append("#SBATCH --job-name=").append(job.name()).append('-').append(part).append('\n');
    if (resources.partition() != null) {
      script.append("#SBATCH --partition=").append(resources.partition()).append('\n');
    }
    script.append("#SBATCH --time=").append(resources.time()).append('\n');
    script.append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n");
    script.append("#SBATCH --cpus-per-task=").append(resources.cpus()).append('\n');
    script.append("#SBATCH --mem=").append(resources.memory()).append('\n');
    script.append("#SBATCH --chdir=").append(sbatchValue(resources.workingDirectory().toAbsolutePath().toString()))
        .append('\n');
    for (String option : extra) {
      script.append("#SBATCH ").append(option).append('\n');
    }
    return script.append(job.prologue()).toString();
  }

  /** An #SBATCH option's value, double-quoted when it holds spaces (sbatch reads such lines with quotes). */
  private static String sbatchValue(String value) {
    return value.matches("\\S+") ? value : "\"" + value.replace("\"", "\\\"") + "\"";
  }

  static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: run the scripts with bash.
    }
  }
}
