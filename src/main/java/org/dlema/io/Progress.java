package org.dlema.io;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long job on stderr: a redrawn bar on a terminal, a plain line every ten percent otherwise (log files
 * and CI would otherwise fill with carriage returns). Thread-safe.
 */
public final class Progress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final String label;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final AtomicLong done = new AtomicLong();
  private long lastDraw;
  private int lastDecile;

  private Progress(String label, long total, PrintStream out, boolean terminal) {
    this.label = label;
    this.total = Math.max(total, 1);
    this.out = out;
    this.terminal = terminal;
  }

  public static Progress onStderr(String label, long total) {
    return on(System.err, label, total);
  }

  /**
   * Progress on the caller's stream: a redrawn bar when that stream is the process's own stdout or stderr on a
   * terminal, plain lines otherwise.
   */
  public static Progress on(PrintStream to, String label, long total) {
    return new Progress(label, total, to, (to == System.err || to == System.out) && isTerminal());
  }

  /**
   * Java 22+ returns a console even when output is redirected and says so through {@code Console.isTerminal()};
   * Java 17 returns none then. Reflection keeps the project on Java 17 while honouring both.
   */
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** Progress that prints nothing (tests, library callers). */
  public static Progress silent() {
    return new Progress("", 1, null, false);
  }

  public void step() {
    long n = done.incrementAndGet();
    if (out == null) {
      return;
    }
    synchronized (this) {
      long now = System.nanoTime();
      if (terminal && (now - lastDraw > REDRAW_NANOS || n == total)) {
        lastDraw = now;
        int width = 30;
        int filled = (int) (width * n / total);
        out.printf("\r%s [%s%s] %d/%d", label, "#".repeat(filled), " ".repeat(width - filled), n, total);
        out.flush();
      } else if (!terminal) {
        int decile = (int) (10 * n / total);
        if (decile > lastDecile) {
          lastDecile = decile;
          out.printf("%s: %d/%d (%d%%)%n", label, n, total, 100 * n / total);
        }
      }
    }
  }

  /** Prints a line of text on {@code to}, first clearing the bar when it is drawn on the same terminal. */
  public void line(PrintStream to, String text) {
    synchronized (this) {
      if (terminal && out != null) {
        out.print("\r" + " ".repeat(label.length() + 60) + "\r");
        out.flush();
      }
      to.println(text);
      to.flush();
      lastDraw = 0;
    }
  }

  public void done() {
    if (out != null && terminal) {
      synchronized (this) {
        out.println();
      }
    }
  }
}
