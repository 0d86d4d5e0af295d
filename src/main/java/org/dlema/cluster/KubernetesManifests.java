package org.dlema.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.io.AtomicDirectory;

/**
 * A Kubernetes Indexed Job whose completion index k trains member k + 1 ({@code members-job.yaml}), the Job that
 * exports and evaluates the fused ensemble ({@code fuse-job.yaml}), and {@code submit.sh}, which applies the first,
 * waits for it to complete and applies the second. Every pod mounts one PersistentVolumeClaim that holds the data
 * and the run folder.
 */
public final class KubernetesManifests {
  public static final String MEMBERS = "members-job.yaml";
  public static final String FUSE = "fuse-job.yaml";
  public static final String SUBMIT = "submit.sh";

  /**
   * @param image a container image with Java 17 and dlema built, {@code dlema} on its PATH (or see --dlema)
   * @param claim the PersistentVolumeClaim (ReadWriteMany) with the data and the run folder
   * @param mountPath where the claim is mounted in every pod; the jobs start there
   * @param memory memory per pod as a Kubernetes quantity, e.g. {@code 8Gi}
   * @param parallelism members trained at the same time
   */
  public record Resources(String image, String claim, String mountPath, int cpus, String memory, int parallelism) {
    public Resources {
      PrintableText.require("the image", image);
      PrintableText.require("the volume claim", claim);
      PrintableText.require("the mount path", mountPath);
      PrintableText.require("the memory", memory);
    }
  }

  private KubernetesManifests() {}

  /** Writes the two manifests and the submit script into {@code out}, which appears complete or not at all. */
  public static void write(ClusterJob job, Resources resources, Path out) throws IOException {
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      String members = job.name() + "-members";
      String fuse = job.name() + "-fuse";
      Files.writeString(dir.path().resolve(MEMBERS), """
          # dlema ensemble %s: completion index k trains member k + 1 of %d; a restarted pod continues its member.
          # Written by `dlema cluster k8s`; apply with submit.sh.
          %s
          spec:
            completionMode: Indexed
            completions: %d
            parallelism: %d
            backoffLimit: %d
            template:
              %s
              spec:
                restartPolicy: OnFailure
          %s
          """.formatted(job.run(), job.members(), header(members, job.name()), job.members(),
          Math.min(resources.parallelism(), job.members()), 3 * job.members(), podLabels(job.name()),
          pod(job, resources, "member", "i=$((JOB_COMPLETION_INDEX + 1))\n" + job.memberScript())));
      Files.writeString(dir.path().resolve(FUSE), """
          # dlema ensemble %s: exports the fused ensemble%s. Apply after %s has completed (submit.sh does).
          # Written by `dlema cluster k8s`.
          %s
          spec:
            completions: 1
            backoffLimit: 2
            template:
              %s
              spec:
                restartPolicy: Never
          %s
          """.formatted(job.run(), job.tests().isEmpty() ? "" : " and evaluates it", members,
          header(fuse, job.name()), podLabels(job.name()), pod(job, resources, "fuse", job.fuseScript())));
      SlurmScripts.executable(dir.path().resolve(SUBMIT), """
          #!/usr/bin/env bash
          # Applies the members' Indexed Job, waits until every member has completed, then applies the Job that
          # exports and evaluates the fused ensemble. Written by `dlema cluster k8s`.
          set -euo pipefail
          here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
          # Until the job is Complete (returns 0) or Failed (returns 1).
          finished() {
            while true; do
              state="$(kubectl get job "$1" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')"
              case "$state" in
                *Complete*) return 0 ;;
                *Failed*) echo "job $1 failed; see: kubectl describe job $1; kubectl logs job/$1" >&2; return 1 ;;
              esac
              sleep 30
            done
          }
          kubectl apply -f "$here/%s"
          echo "training %d members; watch: kubectl get pods -l dlema-job=%s"
          finished %s
          kubectl apply -f "$here/%s"
          finished %s
          kubectl logs job/%s
          """.formatted(MEMBERS, job.members(), job.name(), members, FUSE, fuse, fuse));
      dir.commit();
    }
  }

  /** A Job's kind and metadata, with the labels that {@code kubectl get pods -l dlema-job=NAME} selects by. */
  private static String header(String jobName, String label) {
    return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + jobName + "\n  labels:\n    app: dlema\n"
        + "    dlema-job: " + label;
  }

  /** The pod template's metadata, placed after four spaces of indent. */
  private static String podLabels(String label) {
    return "metadata:\n      labels:\n        app: dlema\n        dlema-job: " + label;
  }

  /** The pod's volume and its one container, running {@code script} with bash, indented under the pod spec. */
  private static String pod(ClusterJob job, Resources resources, String container, String script) {
    String body = job.prologue() + script;
    StringBuilder yaml = new StringBuilder();
    yaml.append("      volumes:\n");
    yaml.append("      - name: work\n");
    yaml.append("        persistentVolumeClaim:\n");
    yaml.append("          claimName: ").append(resources.claim()).append('\n');
    yaml.append("      containers:\n");
    yaml.append("      - name: ").append(container).append('\n');
    yaml.append("        image: ").append(resources.image()).append('\n');
    yaml.append("        workingDir: ").append(resources.mountPath()).append('\n');
    yaml.append("        command: [\"bash\", \"-c\"]\n");
    yaml.append("        args:\n");
    yaml.append("        - |\n");
    body.lines().forEach(line -> yaml.append("          ").append(line).append('\n'));
    yaml.append("        resources:\n");
    yaml.append("          requests:\n");
    yaml.append("            cpu: \"").append(resources.cpus()).append("\"\n");
    yaml.append("            memory: ").append(resources.memory()).append('\n');
    yaml.append("          limits:\n");
    yaml.append("            memory: ").append(resources.memory()).append('\n');
    yaml.append("        volumeMounts:\n");
    yaml.append("        - name: work\n");
    yaml.append("          mountPath: ").append(resources.mountPath()).append('\n');
    return yaml.toString().stripTrailing();
  }
}
