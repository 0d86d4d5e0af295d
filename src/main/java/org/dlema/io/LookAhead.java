package org.dlema.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Items {@code first .. end - 1} of a sequence made ahead on background threads and taken in order: at most
 * {@code ahead} are queued or being made, so whatever order they finish in, the caller sees them in sequence and what
 * it builds from them does not depend on the threads. A job's exception is rethrown by {@link #take} as itself.
 */
public final class LookAhead<T> implements AutoCloseable {
  /** Makes item {@code index}; called on a background thread. */
  public interface Job<T> {
    T make(long index) throws IOException;
  }

  private final Job<T> job;
  private final long end;
  private final ExecutorService pool;
  private final Deque<Future<T>> pending = new ArrayDeque<>();
  private long next;
  private long expected;

  /**
   * @param threads background threads making items
   * @param ahead items queued or being made at any time (at least 1)
   */
  public LookAhead(String threadName, int threads, int ahead, long first, long end, Job<T> job) {
    if (threads < 1 || ahead < 1) {
      throw new IllegalArgumentException("threads and items ahead must be at least 1, got " + threads + " and "
          + ahead);
    }
    this.job = job;
    this.end = end;
    this.next = first;
    this.expected = first;
    this.pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, threadName);
      thread.setDaemon(true);
      return thread;
    });
    for (int k = 0; k < ahead; k++) {
      submit();
    }
  }

  /** Item {@code index}, which must be the one after the item taken last; the next item is started meanwhile. */
  public T take(long index) throws IOException {
    if (index != expected || pending.isEmpty()) {
      throw new IllegalStateException("item " + index + " asked for, item " + expected + " expected");
    }
    expected++;
    Future<T> head = pending.poll();
    submit();
    try {
      return head.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for item " + index);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }

  private void submit() {
    if (next < end) {
      long index = next++;
      pending.add(pool.submit(() -> {
        try {
          return job.make(index);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
  }

  /** Stops the items not yet started and waits for those being made, so none outlives what it uses. */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
