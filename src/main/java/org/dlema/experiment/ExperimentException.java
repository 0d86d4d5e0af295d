package org.dlema.experiment;

import java.io.IOException;

/** An experiment folder that cannot be used as asked, or a stage that failed (a diverged network). */
public final class ExperimentException extends IOException {
  public ExperimentException(String message) {
    super(message);
  }
}
