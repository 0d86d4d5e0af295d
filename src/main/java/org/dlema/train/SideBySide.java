package org.dlema.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Independent trainings (an ensemble's members, an experiment's single networks) run up to N at a time, each on its
 * own thread with its own graph and session. Results come back in the jobs' order whatever order they finish in;
 * the first failure is rethrown once every job has stopped, so nothing is left training behind an error.
 */
public final class SideBySide {
  /** One job. */
  public interface Job<T> {
    T run() throws IOException;
  }

  private SideBySide() {}

  /** Runs {@code jobs}, up to {@code atOnce} at a time (one after another when 1), and returns their results. */
  public static <T> List<T> run(List<? extends Job<T>> jobs, int atOnce) throws IOException {
    List<T> results = new ArrayList<>();
    if (atOnce <= 1 || jobs.size() <= 1) {
      for (Job<T> job : jobs) {
        results.add(job.run());
      }
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(atOnce, jobs.size()), task -> {
      Thread thread = new Thread(task, "dlema-training");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Job<T> job : jobs) {
        futures.add(pool.submit(() -> {
          try {
            return job.run();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      }
      Throwable first = null;
      for (Future<T> future : futures) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while networks were training", e);
        }
      }
      if (first instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (first instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (first instanceof Error error) {
        throw error;
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
