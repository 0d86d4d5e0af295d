package org.dlema.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongFunction;
import org.dlema.io.LookAhead;

/**
 * The inputs of the next steps, made ahead on one background thread while the session runs the current step
 * (image copies, augmentation, annotation draws). Inputs are a pure function of the step, so making them early
 * changes nothing in what is trained: the queue only hides their cost.
 */
final class BatchQueue<I> implements AutoCloseable {
  /** Steps made ahead: one hides the cost; a second absorbs a slow batch. */
  static final int DEPTH = 2;

  private final LookAhead<I> ahead;

  /** Inputs of steps {@code first .. end - 1}, taken in order. */
  BatchQueue(LongFunction<I> make, long first, long end) {
    ahead = new LookAhead<>("dlema-batches", 1, DEPTH, first, end, make::apply);
  }

  /** The inputs of {@code step}, which must be the step after the one taken last. */
  I take(long step) {
    try {
      return ahead.take(step);
    } catch (IOException e) {
      // Making inputs reads nothing from disk; only an interrupt ends up here.
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ahead.close();
  }
}
