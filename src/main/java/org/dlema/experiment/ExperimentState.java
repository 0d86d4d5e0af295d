package org.dlema.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.io.JsonFiles;
import org.dlema.train.Method;

/**
 * {@code experiment.json}: the experiment's settings and each finished stage's wall time in seconds. A stage found
 * here is skipped, so an interrupted experiment continues where it stopped.
 *
 * @param methods the methods' ids (absent in files written before methods could be chosen: all of them)
 * @param cpuSeconds each finished stage's process CPU time (user + system, all threads), for the share of the cores
 *     it kept busy (absent in older files)
 * @param fit how the steps were cut to a time on the machine that started it ({@code --minutes}; else absent)
 */
record ExperimentState(String data, List<String> tests, List<String> methods, String budget, String spec, long seed,
    Map<String, Double> seconds, Map<String, Double> cpuSeconds, TimeFit fit, String groupBy) {
  static final String FILE = "experiment.json";

  /** The settings in which {@code wanted} differs from this experiment, one "name: before, now" each. */
  List<String> differences(ExperimentState wanted) {
    List<String> differences = new ArrayList<>();
    differ(differences, "data", data, wanted.data);
    differ(differences, "test sets", String.join(", ", tests), String.join(", ", wanted.tests));
    differ(differences, "methods", String.join(",", methods()), String.join(",", wanted.methods()));
    differ(differences, "budget", budget, wanted.budget);
    differ(differences, "spec", spec, wanted.spec);
    differ(differences, "seed", Long.toString(seed), Long.toString(wanted.seed));
    differ(differences, "groups", groupBy == null ? "none" : "'" + groupBy + "'",
        wanted.groupBy == null ? "none" : "'" + wanted.groupBy + "'");
    return differences;
  }

  private static void differ(List<String> differences, String name, String before, String now) {
    if (!before.equals(now)) {
      differences.add(name + ": " + before + " there, " + now + " now");
    }
  }

  @Override
  public Map<String, Double> cpuSeconds() {
    return cpuSeconds != null ? cpuSeconds : Map.of();
  }

  @Override
  public List<String> methods() {
    return methods != null ? methods : Experiment.METHODS.stream().map(Method::id).toList();
  }

  /** The experiment started in {@code out}, or null when there is none yet. */
  static ExperimentState readIn(Path out) throws IOException {
    Path file = out.resolve(FILE);
    return Files.isRegularFile(file) ? JsonFiles.read(file, ExperimentState.class) : null;
  }

  /** The state of the experiment in {@code out}: read back, or new (and written) for an empty folder. */
  static ExperimentState openOrCreate(Path out, ExperimentState wanted) throws IOException {
    ExperimentState before = readIn(out);
    if (before != null) {
      List<String> differences = before.differences(wanted);
      if (!differences.isEmpty()) {
        throw new ExperimentException(out + " holds an experiment with other settings (" + String.join("; ",
            differences) + ")");
      }
      // Maps the stages will add to, also where an older file has no CPU times.
      return new ExperimentState(before.data, before.tests, before.methods, before.budget, before.spec, before.seed,
          new LinkedHashMap<>(before.seconds), new LinkedHashMap<>(before.cpuSeconds()), before.fit, before.groupBy);
    }
    if (Files.isDirectory(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new ExperimentException(out + " is not empty and holds no " + FILE);
        }
      }
    }
    ExperimentState state = new ExperimentState(wanted.data, wanted.tests, wanted.methods, wanted.budget,
        wanted.spec, wanted.seed, new LinkedHashMap<>(), new LinkedHashMap<>(), wanted.fit, wanted.groupBy);
    JsonFiles.write(out.resolve(FILE), state);
    return state;
  }
}
