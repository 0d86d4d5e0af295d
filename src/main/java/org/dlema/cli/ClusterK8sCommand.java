package org.dlema.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.cluster.ClusterJob;
import org.dlema.cluster.KubernetesManifests;

/** {@code dlema cluster k8s}: the members as a Kubernetes Indexed Job, then the fused export and evaluation. */
final class ClusterK8sCommand extends ClusterCommand {
  ClusterK8sCommand() {
    super("cluster k8s", "Kubernetes");
  }

  @Override
  public String summary() {
    return "write a Kubernetes Indexed Job (one completion index per member) and the export and evaluation Job";
  }

  @Override
  String description() {
    return "Writes OUT/members-job.yaml (an Indexed Job: completion index k trains member k + 1 into the shared "
        + "run folder; a restarted pod continues its member with --resume), OUT/fuse-job.yaml (exports the fused "
        + "ensemble and evaluates it on the test sets) and OUT/submit.sh (kubectl apply, wait, apply). Every pod "
        + "mounts the PersistentVolumeClaim --claim at --mount; --run, --data and --test are paths inside the pods.";
  }

  private static final Declared<String> IMAGE = Declared.valued("image", "IMAGE", "container image with Java 17 and "
      + "dlema built, dlema on its PATH", "dlema:latest");
  private static final Declared<String> CLAIM = Declared.valued("claim", "NAME", "PersistentVolumeClaim "
      + "(ReadWriteMany) holding the data and the run folder", "dlema-work");
  private static final Declared<String> MOUNT = Declared.valued("mount", "PATH", "where every pod mounts the claim "
      + "and starts", "/mnt/dlema");
  private static final Declared<Integer> CPUS = Declared.valued("cpus", "N", "CPUs requested per pod", 4);
  private static final Declared<String> MEMORY = Declared.valued("mem", "Q", "memory per pod as a Kubernetes "
      + "quantity", "8Gi");

  @Override
  Options options() {
    Options options = new Options();
    ClusterJobOptions.add(options, "Kubernetes", "k8s");
    for (Declared<?> option : List.of(IMAGE, CLAIM, MOUNT, CPUS, MEMORY)) {
      options.addOption(option.option());
    }
    options.addOption(valued("parallelism", "N", "members trained at the same time (default: all)"));
    return options;
  }

  @Override
  String defaultOut(CommandLine line) {
    return line.hasOption("run") ? Path.of(line.getOptionValue("run")).getFileName() + "-k8s" : null;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path out = outputFolder(line);
    ClusterJob job = ClusterJobOptions.job(line, false, "dlema");
    String memory = MEMORY.text(line);
    String claim = CLAIM.text(line);
    if (!memory.matches("\\d+(Ki|Mi|Gi|Ti|k|M|G|T)?") || !ClusterJob.jobName(claim).equals(claim)) {
      throw new UsageException("--mem takes a Kubernetes quantity such as 8Gi and --claim a lower-case name, got '"
          + memory + "' and '" + claim + "'");
    }
    KubernetesManifests.write(job, new KubernetesManifests.Resources(IMAGE.text(line), claim,
        MOUNT.text(line), CPUS.integer(line, 1), memory,
        intOption(line, "parallelism", job.members(), 1)), out);
    console.out().println("wrote " + out.resolve(KubernetesManifests.MEMBERS) + " (" + job.members()
        + " completions), " + out.resolve(KubernetesManifests.FUSE) + " and "
        + out.resolve(KubernetesManifests.SUBMIT));
    return 0;
  }
}
