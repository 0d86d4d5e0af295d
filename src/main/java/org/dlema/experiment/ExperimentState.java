package org.dlema.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.io.JsonFiles;

/**
 * {@code experiment.json}: the experiment's settings and each finished stage's wall time in seconds. A stage found
 * here is skipped, so an interrupted experiment continues where it stopped.
 */
record ExperimentState(String data, List<String> tests, String budget, String spec, long seed,
    Map<String, Double> seconds) {
  static final String FILE = "experiment.json";

  /** Whether {@code other} describes the same experiment (stage times aside). */
  boolean sameAs(ExperimentState other) {
    return data.equals(other.data) && tests.equals(other.tests) && budget.equals(other.budget)
        && spec.equals(other.spec) && seed == other.seed;
  }

  /** The state of the experiment in {@code out}: read back, or new (and written) for an empty folder. */
  static ExperimentState openOrCreate(Path out, ExperimentState wanted) throws IOException {
    Path file = out.resolve(FILE);
    if (Files.isRegularFile(file)) {
      ExperimentState before = JsonFiles.read(file, ExperimentState.class);
      if (!before.sameAs(wanted)) {
        throw new ExperimentException(out + " holds an experiment with other settings (" + before.data() + ", "
            + before.budget() + ", " + before.spec() + ", seed " + before.seed() + ")");
      }
      return before;
    }
    if (Files.isDirectory(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new ExperimentException(out + " is not empty and holds no " + FILE);
        }
      }
    }
    ExperimentState state = new ExperimentState(wanted.data, wanted.tests, wanted.budget, wanted.spec, wanted.seed,
        new LinkedHashMap<>());
    JsonFiles.write(file, state);
    return state;
  }
}
