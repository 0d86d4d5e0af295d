package org.dlema.train;

import java.io.IOException;
import java.nio.file.Path;

/** A run folder that cannot be used as asked: what it holds does not fit the request. */
public final class RunStateException extends IOException {
  /** Why the folder does not fit. */
  public enum Reason {
    /** A new run was asked for in a folder that already holds something. */
    OCCUPIED,
    /** The folder holds no run (no config.json) or no checkpoint to continue from. */
    NOT_A_RUN,
    /** Fewer total steps were asked for than the run has already done. */
    STEPS_BELOW_DONE,
    /** The folder holds a run of another method, spec or kind. */
    MISMATCH,
    /** Another live process is training the run. */
    BUSY
  }

  private final Path folder;
  private final Reason reason;

  public RunStateException(Path folder, Reason reason, String message) {
    super(folder + ": " + message);
    this.folder = folder;
    this.reason = reason;
  }

  public Path folder() {
    return folder;
  }

  public Reason reason() {
    return reason;
  }
}
