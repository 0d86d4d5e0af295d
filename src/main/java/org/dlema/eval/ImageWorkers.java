package org.dlema.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Per-image jobs on a few threads, collected by index: the caller submits the images it will need next and takes
 * them in order, so whatever order the jobs finish in, what is built from them is the same. A job's I/O error is
 * rethrown as itself by {@link #take}.
 */
final class ImageWorkers<T> implements AutoCloseable {
  /** One image's job. */
  interface Job<T> {
    T run() throws IOException;
  }

  private final ExecutorService pool;
  private final Map<Integer, Future<T>> pending = new HashMap<>();

  ImageWorkers(int threads) {
    pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "dlema-evaluation");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts image {@code index}'s job unless it was started already. */
  void submitOnce(int index, Job<T> job) {
    pending.computeIfAbsent(index, i -> pool.submit((Callable<T>) () -> {
      try {
        return job.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
  }

  /** Waits for image {@code index}'s result (its job must have been submitted). */
  T take(int index) throws IOException {
    Future<T> future = pending.remove(index);
    if (future == null) {
      throw new IllegalStateException("no job for image " + index);
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while evaluating", e);
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

  /** Stops the jobs not yet started and waits for the running ones, so none outlives the models it uses. */
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
