package org.dlema.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.dlema.graph.TensorFlowMessage;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.DamagedFileException;
import org.dlema.io.JsonFiles;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * The run's checkpoints, one folder per {@link CheckpointKind}. Each holds TensorFlow's variable files
 * ({@code model.index}, {@code model.data-*}: every variable, momentum accumulators and batch-norm statistics
 * included) and {@code state.json}; folders are replaced atomically, so a kill during a save keeps the previous
 * checkpoint.
 */
public final class Checkpoints {
  static final String PREFIX = "model";
  static final String STATE = "state.json";

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

  public Path folder(CheckpointKind kind) {
    return folder.resolve(kind.id());
  }

  /** The variable prefix TensorFlow saves under and restores from. */
  public static Path variables(Path checkpoint) {
    return checkpoint.resolve(PREFIX);
  }

  void save(CheckpointKind kind, Session session, State state) throws IOException {
    try (AtomicDirectory dir = AtomicDirectory.replacing(folder(kind))) {
      session.save(dir.path().resolve(PREFIX).toString());
      JsonFiles.write(dir.path().resolve(STATE), state);
      dir.commit();
    }
  }

  public Optional<State> state(CheckpointKind kind) throws IOException {
    AtomicDirectory.recover(folder(kind));
    Path file = folder(kind).resolve(STATE);
    return Files.isRegularFile(file) ? Optional.of(JsonFiles.read(file, State.class)) : Optional.empty();
  }

  void restore(CheckpointKind kind, Session session) throws IOException {
    restore(session, folder(kind));
  }

  /**
   * Loads a checkpoint folder's variables into a session. TensorFlow checks every tensor's CRC-32C and length, so a
   * flipped or missing byte is found here; it is reported naming the file, not as a TensorFlow trace.
   */
  public static void restore(Session session, Path checkpoint) throws IOException {
    try {
      session.restore(variables(checkpoint).toString());
    } catch (TFResourceExhaustedException e) {
      throw e;
    } catch (TensorFlowException e) {
      throw unreadable(checkpoint, e);
    }
  }

  /** A failed restore as a file error: damaged files, missing files, or variables of another network. */
  public static IOException unreadable(Path checkpoint, TensorFlowException e) {
    String message = TensorFlowMessage.firstLine(e.getMessage());
    if (message.contains("not found in checkpoint") || message.contains("Key ")) {
      return new IOException(checkpoint + ": does not hold this network's variables (" + message + ")", e);
    }
    if (message.contains("Failed to find any matching files") || message.contains("NotFound")) {
      return new IOException(checkpoint + ": no checkpoint files (" + message + ")", e);
    }
    return damaged(variables(checkpoint), e);
  }

  /**
   * TensorFlow's variable files under {@code prefix} (a checkpoint's, or a SavedModel's {@code variables/variables})
   * as damaged: the index when TensorFlow could not read the table, else the data file whose bytes failed.
   */
  public static DamagedFileException damaged(Path prefix, TensorFlowException e) {
    String message = TensorFlowMessage.firstLine(e.getMessage());
    String base = prefix.getFileName().toString();
    Path file = prefix.resolveSibling(base + ".index");
    if (!message.contains("sstable") && !message.contains(".index")) {
      try (var files = Files.list(prefix.getParent())) {
        file = files.filter(f -> f.getFileName().toString().startsWith(base + ".data-")).sorted().findFirst()
            .orElse(prefix.getParent());
      } catch (IOException listing) {
        file = prefix.getParent();
      }
    }
    return new DamagedFileException(file, message, e);
  }
}
