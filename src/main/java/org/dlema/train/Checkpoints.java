package org.dlema.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.tensorflow.Session;

/**
 * The run's checkpoints: {@code latest} (every N steps, what resume starts from), {@code best} (highest validation
 * Jaccard) and {@code final}. Each is a folder with TensorFlow's variable files ({@code model.index},
 * {@code model.data-*}: every variable, momentum accumulators and batch-norm statistics included) and
 * {@code state.json}; folders are replaced atomically, so a kill during a save keeps the previous checkpoint.
 */
public final class Checkpoints {
  public static final String LATEST = "latest";
  public static final String BEST = "best";
  public static final String FINAL = "final";
  static final String PREFIX = "model";

  /**
   * What a checkpoint knows beyond the weights. Scores are null before the first validation (JSON has no NaN).
   */
  public record State(long step, Double validationJaccard, Double bestJaccard, long bestStep) {
    static State of(long step, double validationJaccard, double bestJaccard, long bestStep) {
      return new State(step, finite(validationJaccard), finite(bestJaccard), bestStep);
    }

    private static Double finite(double value) {
      return Double.isFinite(value) ? value : null;
    }

    /** The best score so far, or negative infinity before the first validation. */
    public double best() {
      return bestJaccard == null ? Double.NEGATIVE_INFINITY : bestJaccard;
    }
  }

  private final Path folder;

  public Checkpoints(Path folder) {
    this.folder = folder;
  }

  public Path folder(String kind) {
    return folder.resolve(kind);
  }

  /** The variable prefix TensorFlow saves under and restores from. */
  public static Path variables(Path checkpoint) {
    return checkpoint.resolve(PREFIX);
  }

  void save(String kind, Session session, State state) throws IOException {
    try (AtomicDirectory dir = AtomicDirectory.replacing(folder.resolve(kind))) {
      session.save(dir.path().resolve(PREFIX).toString());
      JsonFiles.write(dir.path().resolve("state.json"), state);
      dir.commit();
    }
  }

  public Optional<State> state(String kind) throws IOException {
    AtomicDirectory.recover(folder.resolve(kind));
    Path file = folder.resolve(kind).resolve("state.json");
    return Files.isRegularFile(file) ? Optional.of(JsonFiles.read(file, State.class)) : Optional.empty();
  }

  void restore(String kind, Session session) {
    session.restore(variables(folder.resolve(kind)).toString());
  }
}
