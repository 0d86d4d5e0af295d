package org.dlema.train;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * The inputs of the next steps, made ahead on one background thread while the session runs the current step
 * (image copies, augmentation, annotation draws). Inputs are a pure function of the step, so making them early
 * changes nothing in what is trained: the queue only hides their cost.
 */
final class BatchQueue<I> implements AutoCloseable {
  /** Steps made ahead: one hides the cost; a second absorbs a slow batch. */
  static final int DEPTH = 2;

  private final LongFunction<I> make;
  private final long end;
  private final ExecutorService worker;
  private final Deque<Future<I>> pending = new ArrayDeque<>();
  private long next;
  private long expected;

  /** Inputs of steps {@code first .. end - 1}, taken in order. */
  BatchQueue(LongFunction<I> make, long first, long end) {
    this.make = make;
    this.end = end;
    this.next = first;
    this.expected = first;
    this.worker = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "dlema-batches");
      thread.setDaemon(true);
      return thread;
    });
    for (int k = 0; k < DEPTH; k++) {
      submit();
    }
  }

  /** The inputs of {@code step}, which must be the step after the one taken last. */
  I take(long step) {
    if (step != expected || pending.isEmpty()) {
      throw new IllegalStateException("inputs of step " + step + " asked for, step " + expected + " expected");
    }
    expected++;
    Future<I> head = pending.poll();
    submit();
    try {
      return head.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void submit() {
    if (next < end) {
      long step = next++;
      pending.add(worker.submit(() -> make.apply(step)));
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
