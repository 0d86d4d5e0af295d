package org.dlema.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.train.EnsembleRun;
import org.dlema.train.Method;
import org.dlema.train.RunConfig;
import org.dlema.train.RunFolder;
import org.dlema.train.TrainingSettings;

/**
 * One D-LEMA ensemble to train on a cluster: member i of M is task i, trained by {@code dlema train --method dlema
 * --member i} into the shared run folder; then one job exports the fused ensemble and evaluates it.
 *
 * @param name the job's name (letters, digits and '-', as Kubernetes requires)
 * @param dlema the command that runs dlema where the jobs run
 * @param trainOptions the options of {@code dlema train} besides method, data, out and member
 * @param exportRoot where the fused ensemble and its members are exported (TF Serving layout)
 * @param reports where each evaluation writes its own time-stamped folder
 */
public record ClusterJob(String name, String dlema, Path run, Path data, List<Path> tests, int members,
    List<String> trainOptions, Path exportRoot, Path reports) {
  public ClusterJob {
    tests = List.copyOf(tests);
    trainOptions = List.copyOf(trainOptions);
    PrintableText.require("the job name", name);
    PrintableText.require("the dlema command", dlema);
    PrintableText.require("the run folder", run);
    PrintableText.require("the data", data);
    tests.forEach(t -> PrintableText.require("a test set", t));
    trainOptions.forEach(o -> PrintableText.require("a train option", o));
    PrintableText.require("the export folder", exportRoot);
    PrintableText.require("the report folder", reports);
  }

  /**
   * The ensemble's size: the run's own when it exists, the asked size when given, else what {@code train} would
   * choose (the largest annotation count of the training images, read from the data set's structure).
   */
  public static int members(Path run, Path data, int asked, long seed, double validationFraction)
      throws IOException {
    if (Files.isRegularFile(RunFolder.of(run).config())) {
      RunConfig config = RunConfig.read(run);
      if (config.ensemble() == null) {
        throw new IOException(run + ": holds a " + config.method() + " run, not a D-LEMA ensemble");
      }
      return config.ensemble().members();
    }
    if (asked > 0) {
      return asked;
    }
    return EnsembleRun.size(DatasetReader.read(data, ReadOptions.strict()), TrainingSettings.builder(Method.DLEMA)
        .seed(seed).validationFraction(validationFraction).build(), 0);
  }

  /** A name Kubernetes accepts (RFC 1123 label, at most 40 characters to leave room for suffixes). */
  public static String jobName(String text) {
    String name = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    name = name.length() > 40 ? name.substring(0, 40).replaceAll("-+$", "") : name;
    return name.isEmpty() ? "dlema" : name;
  }

  /**
   * Bash that trains member {@code $i} (set before it): a task started again (re-queued, or its pod restarted)
   * finds the member's latest checkpoint and continues it with {@code --resume}; the first start trains it anew.
   */
  String memberScript() {
    String latest = "\"$RUN/" + RunFolder.MEMBERS + "/$i/checkpoints/latest/state.json\"";
    List<String> first = new ArrayList<>(List.of("train", "--method", "dlema", "--data", data.toString()));
    first.addAll(trainOptions);
    // The step count is the one setting a resume may change: scripts written again with more steps extend the run.
    int steps = trainOptions.indexOf("--steps");
    String moreSteps = steps >= 0 && steps + 1 < trainOptions.size()
        ? " --steps " + ShellWords.quote(trainOptions.get(steps + 1)) : "";
    return "RUN=" + ShellWords.quote(run.toString()) + "\n"
        + "if [ -f " + latest + " ]; then\n"
        + "  exec \"$DLEMA\" train --resume --out \"$RUN\" --member \"$i\"" + moreSteps + "\n"
        + "fi\n"
        + "exec \"$DLEMA\" " + ShellWords.join(first) + " --out \"$RUN\" --member \"$i\"\n";
  }

  /**
   * The lines every job script starts with: strict bash, and how dlema is run ({@code DLEMA} from the environment,
   * else {@link #dlema}); the jobs never build it (many tasks would build into one shared checkout at once).
   */
  String prologue() {
    return "set -euo pipefail\n"
        + "DLEMA_DEFAULT=" + ShellWords.quote(dlema) + "\n"
        + "DLEMA=\"${DLEMA:-$DLEMA_DEFAULT}\"\n"
        + "export DLEMA_NO_BUILD=1\n";
  }

  /** Bash that exports the fused ensemble (and its members) and, with test sets, evaluates it. */
  String fuseScript() {
    StringBuilder script = new StringBuilder();
    script.append("RUN=").append(ShellWords.quote(run.toString())).append('\n');
    script.append("\"$DLEMA\" export --run \"$RUN\" --out ").append(ShellWords.quote(exportRoot.toString()))
        .append(" --name ").append(ShellWords.quote(name)).append('\n');
    if (!tests.isEmpty()) {
      List<String> evaluate = new ArrayList<>();
      for (Path test : tests) {
        evaluate.add("--data");
        evaluate.add(test.toString());
      }
      script.append("\"$DLEMA\" evaluate --run \"$RUN\" ").append(ShellWords.join(evaluate)).append(" --out ")
          .append(ShellWords.quote(reports.toString())).append("/\"$(date +%Y%m%d-%H%M%S)\"\n");
    }
    return script.toString();
  }
}
