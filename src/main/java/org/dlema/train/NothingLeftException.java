package org.dlema.train;

import java.io.IOException;

/** A selection of training data that leaves nothing to train on (an empty subset, a threshold no image meets). */
public final class NothingLeftException extends IOException {
  public NothingLeftException(String message) {
    super(message);
  }
}
