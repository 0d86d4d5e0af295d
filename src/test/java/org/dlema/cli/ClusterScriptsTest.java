package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dlema.cluster.KubernetesManifests;
import org.dlema.cluster.SlurmScripts;
import org.dlema.testing.TinyRun;
import org.dlema.train.EnsembleRun;
import org.dlema.train.RunConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The written cluster jobs run an ensemble end to end. The Slurm scripts are run as a scheduler would run them: the
 * members' tasks as separate processes at the same time into one run folder, which gives the same files, byte for
 * byte, as training the members one after another; a task killed and started again continues its member to the
 * same weights; a second process for a member that is being trained is refused; then the fuse job exports and
 * evaluates. With a Slurm installed (see cluster/slurm-local.sh) the scripts are also checked and submitted.
 */
@Tag("slow")
class ClusterScriptsTest {
  private static final int STEPS = 30;
  private static final List<String> TRAIN = List.of("--spec", "tiny", "--steps", Integer.toString(STEPS), "--batch",
      "2", "--clean-batch", "2", "--lr", "0.001", "--validate-every", "10", "--checkpoint-every", "2");

  @TempDir Path dir;

  private Path slurmScripts(Path run, String... resources) {
    List<String> args = new ArrayList<>(List.of("cluster", "slurm", "--run", run.toString(), "--data",
        TinyRun.data().toString(), "--test", TinyRun.data().toString(), "--out", dir.resolve("slurm").toString()));
    args.addAll(List.of(resources));
    args.add("--");
    args.addAll(TRAIN);
    CliRunner.Outcome written = CliRunner.run(args.toArray(String[]::new));
    assertThat(written.exitCode()).isEqualTo(0);
    return dir.resolve("slurm");
  }

  /** A script run with bash, as sbatch would start it, dlema being this build's classes. */
  private static Process run(Path script, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("DLEMA", Path.of("dlema").toAbsolutePath().toString());
    builder.environment().put("DLEMA_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().putAll(env);
    return builder.start();
  }

  private static void assertSameFile(Path a, Path b) throws IOException {
    assertThat(Files.isRegularFile(a)).isTrue();
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
  }

  private static void assertSameMember(Path reference, Path run, int i) throws IOException {
    for (String kind : List.of("final", "best")) {
      Path expected = EnsembleRun.member(reference, i).resolve("checkpoints").resolve(kind);
      Path actual = EnsembleRun.member(run, i).resolve("checkpoints").resolve(kind);
      for (String file : List.of("model.data-00000-of-00001", "model.index", "state.json")) {
        assertSameFile(expected.resolve(file), actual.resolve(file));
      }
    }
  }

  private static void finished(Process process, Path log) throws Exception {
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertWithMessage(Files.readString(log)).that(process.exitValue()).isEqualTo(0);
  }

  @Test
  void slurmTasksAtOnceKilledAndRestartedMatchMembersTrainedOneByOneThenFuse() throws Exception {
    Path reference = dir.resolve("one-by-one");
    List<String> alone = new ArrayList<>(List.of("train", "--method", "dlema", "--data", TinyRun.data().toString(),
        "--out", reference.toString()));
    alone.addAll(TRAIN);
    CliRunner.Outcome trained = CliRunner.run(alone.toArray(String[]::new));
    assertWithMessage(trained.err()).that(trained.exitCode()).isEqualTo(0);
    int members = RunConfig.read(reference).ensemble().members();
    assertThat(members).isAtLeast(2);

    Path run = dir.resolve("runs/ensemble");
    Path scripts = slurmScripts(run, "--cpus", "1", "--mem", "1G");
    String array = Files.readString(scripts.resolve(SlurmScripts.MEMBERS));
    assertThat(array).contains("#SBATCH --array=1-" + members + "\n");
    assertThat(array).contains("#SBATCH --requeue\n");
    assertThat(array).contains("exec \"$DLEMA\" train --resume --out \"$RUN\" --member \"$i\" --steps " + STEPS + "\n");
    assertThat(array).contains("export DLEMA_NO_BUILD=1\n");

    // Every task at once; task 1 is killed after its first checkpoint.
    List<Process> tasks = new ArrayList<>();
    for (int i = 1; i <= members; i++) {
      tasks.add(run(scripts.resolve(SlurmScripts.MEMBERS), Map.of("SLURM_ARRAY_TASK_ID", Integer.toString(i)),
          dir.resolve("task-" + i + ".log")));
    }
    Path latest = EnsembleRun.member(run, 1).resolve("checkpoints/latest/state.json");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.isRegularFile(latest) && tasks.get(0).isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(tasks.get(0).isAlive()).isTrue();

    // While task 1 runs, a second process for member 1 is refused and changes nothing.
    List<String> twice = new ArrayList<>(alone);
    twice.set(twice.indexOf(reference.toString()), run.toString());
    twice.addAll(List.of("--member", "1"));
    CliRunner.Outcome refused = CliRunner.run(twice.toArray(String[]::new));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("member 1 is being trained by another process");
    assertThat(refused.err()).contains(Long.toString(tasks.get(0).pid()));
    // So is a process for every member, and its failure leaves the shared run folder as it was.
    List<String> all = new ArrayList<>(twice.subList(0, twice.size() - 2));
    CliRunner.Outcome everyMember = CliRunner.run(all.toArray(String[]::new));
    assertThat(everyMember.exitCode()).isEqualTo(1);
    assertThat(everyMember.err()).contains("is being trained by another process");
    assertThat(Files.isRegularFile(run.resolve("config.json"))).isTrue();

    tasks.get(0).destroyForcibly().waitFor(1, TimeUnit.MINUTES);
    assertThat(Files.isRegularFile(EnsembleRun.member(run, 1).resolve("checkpoints/final/state.json"))).isFalse();
    for (int i = 1; i < members; i++) {
      finished(tasks.get(i), dir.resolve("task-" + (i + 1) + ".log"));
    }
    // Re-queued: the same script takes the dead task's claim over and continues with --resume.
    Path again = dir.resolve("task-1-again.log");
    finished(run(scripts.resolve(SlurmScripts.MEMBERS), Map.of("SLURM_ARRAY_TASK_ID", "1"), again), again);
    assertThat(Files.readString(again)).contains("resuming");

    for (String file : List.of("config.json", "split.json", "normalization.json", "partition.json")) {
      assertSameFile(reference.resolve(file), run.resolve(file));
    }
    for (int i = 1; i <= members; i++) {
      assertSameMember(reference, run, i);
    }
    try (var files = Files.walk(run)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
    }

    Path fuseLog = dir.resolve("fuse.log");
    finished(run(scripts.resolve(SlurmScripts.FUSE), Map.of(), fuseLog), fuseLog);
    assertThat(Files.isRegularFile(dir.resolve("runs/export/ensemble/1/saved_model.pb"))).isTrue();
    try (var reports = Files.list(dir.resolve("runs/ensemble-evaluation"))) {
      Path report = reports.findFirst().orElseThrow();
      assertThat(Files.readString(report.resolve("tables.md"))).contains("| ensemble uniform |");
    }
  }

  private static boolean slurmIsUp() {
    try {
      Process sinfo = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
      String states = new String(sinfo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return sinfo.waitFor(30, TimeUnit.SECONDS) && sinfo.exitValue() == 0
          && states.matches("(?s).*\\b(idle|mixed|allocated)\\b.*");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String command(Path folder, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertWithMessage(String.join(" ", command) + ": " + out).that(process.exitValue()).isEqualTo(0);
    return out;
  }

  @Test
  void slurmChecksAndRunsTheScriptsWhereItIsInstalled() throws Exception {
    assumeTrue(slurmIsUp(), "no Slurm here: start a one-node Slurm with cluster/slurm-local.sh to run this test "
        + "(the scripts themselves run in the test above)");
    Path run = dir.resolve("runs/ensemble");
    Path scripts = slurmScripts(run, "--cpus", "1", "--mem", "1G", "--time", "0:20:00");
    Map<String, String> env = Map.of("DLEMA", Path.of("dlema").toAbsolutePath().toString(), "DLEMA_CLASSPATH",
        System.getProperty("java.class.path"));
    command(scripts, env, "sbatch", "--test-only", SlurmScripts.MEMBERS);
    command(scripts, env, "sbatch", "--test-only", SlurmScripts.FUSE);
    String submitted = command(scripts, env, "bash", SlurmScripts.SUBMIT);
    List<String> jobs = new ArrayList<>();
    var ids = java.util.regex.Pattern.compile("job array (\\d+) .* job (\\d+) ").matcher(submitted);
    assertThat(ids.find()).isTrue();
    jobs.add(ids.group(1));
    jobs.add(ids.group(2));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    while (!command(scripts, env, "squeue", "-h", "-j", String.join(",", jobs)).isBlank()
        && System.nanoTime() < deadline) {
      Thread.sleep(2000);
    }
    int members = RunConfig.read(run).ensemble().members();
    for (int i = 1; i <= members; i++) {
      assertThat(Files.isRegularFile(EnsembleRun.member(run, i).resolve("checkpoints/final/state.json"))).isTrue();
    }
    assertWithMessage(Files.readString(scripts.resolve("logs/fuse.out")))
        .that(Files.isRegularFile(dir.resolve("runs/export/ensemble/1/saved_model.pb"))).isTrue();
    try (var reports = Files.list(dir.resolve("runs/ensemble-evaluation"))) {
      assertThat(Files.isRegularFile(reports.findFirst().orElseThrow().resolve("tables.md"))).isTrue();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesManifestsAreIndexedJobsOnASharedVolume() throws Exception {
    Path out = dir.resolve("k8s");
    CliRunner.Outcome written = CliRunner.run("cluster", "k8s", "--run", "/mnt/dlema/runs/isic", "--data",
        "/mnt/dlema/data/isic-split/train.csv", "--test", "/mnt/dlema/data/isic-split/test.csv", "--claim",
        "dlema-runs", "--image", "registry.example/dlema:1", "--cpus", "8", "--mem", "16Gi", "--parallelism", "3",
        "--out", out.toString(), "--", "--members", "5", "--batch", "16", "--lr", "2e-3");
    assertThat(written.exitCode()).isEqualTo(0);

    Map<String, Object> members = new Yaml().load(Files.readString(out.resolve(KubernetesManifests.MEMBERS)));
    assertThat(members.get("apiVersion")).isEqualTo("batch/v1");
    assertThat(members.get("kind")).isEqualTo("Job");
    assertThat(((Map<String, Object>) members.get("metadata")).get("name")).isEqualTo("isic-members");
    Map<String, Object> spec = (Map<String, Object>) members.get("spec");
    assertThat(spec.get("completionMode")).isEqualTo("Indexed");
    assertThat(spec.get("completions")).isEqualTo(5);
    assertThat(spec.get("parallelism")).isEqualTo(3);
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    assertThat(pod.get("restartPolicy")).isEqualTo("OnFailure");
    Map<String, Object> volume = ((List<Map<String, Object>>) pod.get("volumes")).get(0);
    assertThat(((Map<String, Object>) volume.get("persistentVolumeClaim")).get("claimName")).isEqualTo("dlema-runs");
    Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
    assertThat(container.get("image")).isEqualTo("registry.example/dlema:1");
    assertThat(container.get("command")).isEqualTo(List.of("bash", "-c"));
    String script = ((List<String>) container.get("args")).get(0);
    assertThat(script).contains("i=$((JOB_COMPLETION_INDEX + 1))");
    assertThat(script).contains("exec \"$DLEMA\" train --resume --out \"$RUN\" --member \"$i\"");
    assertThat(script).contains("--data /mnt/dlema/data/isic-split/train.csv --members 5 --batch 16 --lr 2e-3 --out "
        + "\"$RUN\" --member \"$i\"");
    Map<String, Object> mount = ((List<Map<String, Object>>) container.get("volumeMounts")).get(0);
    assertThat(mount.get("name")).isEqualTo(volume.get("name"));
    assertThat(mount.get("mountPath")).isEqualTo("/mnt/dlema");
    Map<String, Object> requests = (Map<String, Object>) ((Map<String, Object>) container.get("resources"))
        .get("requests");
    assertThat(requests).containsExactly("cpu", "8", "memory", "16Gi");

    Map<String, Object> fuse = new Yaml().load(Files.readString(out.resolve(KubernetesManifests.FUSE)));
    Map<String, Object> fusePod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) fuse
        .get("spec")).get("template")).get("spec");
    String fuseScript = ((List<String>) ((List<Map<String, Object>>) fusePod.get("containers")).get(0).get("args"))
        .get(0);
    assertThat(fuseScript).contains("\"$DLEMA\" export --run \"$RUN\" --out /mnt/dlema/runs/export --name isic");
    assertThat(fuseScript).contains("\"$DLEMA\" evaluate --run \"$RUN\" --data /mnt/dlema/data/isic-split/test.csv");
    String submit = Files.readString(out.resolve(KubernetesManifests.SUBMIT));
    assertThat(submit).contains("finished isic-members\n");
    assertThat(submit).contains("*Failed*) echo \"job $1 failed");
  }

  @Test
  void clusterOptionsAreCheckedWhenTheFilesAreWritten() {
    String data = TinyRun.data().toString();
    Path out = dir.resolve("out");
    CliRunner.Outcome member = CliRunner.run("cluster", "slurm", "--run", dir.resolve("r").toString(), "--data",
        data, "--out", out.toString(), "--", "--member", "2");
    assertThat(member.exitCode()).isEqualTo(2);
    assertThat(member.err()).contains("-- --member: the written jobs set it themselves");
    CliRunner.Outcome unknown = CliRunner.run("cluster", "slurm", "--run", dir.resolve("r").toString(), "--data",
        data, "--out", out.toString(), "--", "--stepz", "3");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("after -- (options of dlema train)");
    CliRunner.Outcome name = CliRunner.run("cluster", "k8s", "--run", "/mnt/dlema/runs/My_Run", "--data", data, "--out",
        out.toString());
    assertThat(name.exitCode()).isEqualTo(2);
    assertThat(name.err()).contains("'my-run'");
    CliRunner.Outcome size = CliRunner.run("cluster", "k8s", "--run", "/mnt/dlema/runs/r", "--data", "/not/here",
        "--out", out.toString());
    assertThat(size.exitCode()).isEqualTo(2);
    assertThat(size.err()).contains("give -- --members M");
    assertThat(Files.exists(out)).isFalse();
  }
}
