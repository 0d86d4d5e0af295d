package org.dlema.io;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of a long job on stderr: a redrawn bar on a terminal, a plain line every ten percent otherwise (log files
 * and CI would otherwise fill with carriage returns). Once a job has run for a minute each report adds the minutes
 * so far and the minutes left at the rate so far, so that a slow machine shows early how long a run will take.
 * Bars drawn at the same time on one terminal (members trained side by side) share one line, a short bar each, with
 * the longest time left. Thread-safe.
 */
public final class Progress {
  private static final long REDRAW_NANOS = 200_000_000L;
  private static final long MINUTE_NANOS = 60_000_000_000L;
  /** The bars being drawn, by terminal stream; guarded by itself, as is each stream's drawn width. */
  private static final Map<PrintStream, List<Progress>> BARS = new IdentityHashMap<>();
  private static final Map<PrintStream, Integer> DRAWN = new IdentityHashMap<>();

  private final String label;
  private final long total;
  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier clock;
  private final long started;
  private final AtomicLong done = new AtomicLong();
  /**
   * When the first unit was reported, and how many units were done by then: the rate is measured from there, so
   * one-off start-up work does not count. Set under the lock by whichever thread reports first.
   */
  private volatile long firstAt;
  private volatile long doneAtFirst;
  private long lastDraw;
  // System.nanoTime has an arbitrary origin (it may be negative), so "draw now" is a flag, not a lastDraw of 0.
  private volatile boolean redraw = true;
  private int lastDecile;

  private Progress(String label, long total, PrintStream out, boolean terminal, LongSupplier clock) {
    this.label = label;
    this.total = Math.max(total, 1);
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.started = clock.getAsLong();
  }

  public static Progress onStderr(String label, long total) {
    return on(System.err, label, total);
  }

  /**
   * Progress on the caller's stream: a redrawn bar when that stream is the process's own stdout or stderr on a
   * terminal, plain lines otherwise.
   */
  public static Progress on(PrintStream to, String label, long total) {
    return new Progress(label, total, to, drawsBarOn(to), System::nanoTime);
  }

  /** Whether progress on {@code to} is a redrawn bar: the process's own stdout or stderr on a terminal. */
  public static boolean drawsBarOn(PrintStream to) {
    return (to == System.err || to == System.out) && isTerminal();
  }

  /** Plain lines, or the bar when {@code bar}, on {@code to}, timed by {@code nanoClock} (tests). */
  static Progress timed(PrintStream to, String label, long total, boolean bar, LongSupplier nanoClock) {
    return new Progress(label, total, to, bar, nanoClock);
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
    return new Progress("", 1, null, false, () -> 0L);
  }

  public void step() {
    long n = done.incrementAndGet();
    if (out == null) {
      return;
    }
    synchronized (this) {
      long now = clock.getAsLong();
      if (doneAtFirst == 0) {
        firstAt = now;
        doneAtFirst = n;
      }
      if (terminal && (redraw || now - lastDraw > REDRAW_NANOS || n == total)) {
        redraw = false;
        lastDraw = now;
        draw(now);
      } else if (!terminal) {
        int decile = (int) (10 * n / total);
        if (decile > lastDecile) {
          lastDecile = decile;
          out.printf(Locale.ROOT, "%s: %d/%d (%d%%)%s%n", label, n, total, 100 * n / total, timing(n, now, false));
        }
      }
    }
  }

  /** This bar, and those drawn beside it on the same terminal, on one line. */
  private void draw(long now) {
    synchronized (BARS) {
      List<Progress> shown = BARS.computeIfAbsent(out, k -> new ArrayList<>());
      if (!shown.contains(this)) {
        shown.add(this);
      }
      StringBuilder bar = new StringBuilder();
      double left = 0;
      for (Progress p : shown) {
        long n = Math.min(p.done.get(), p.total);
        int width = shown.size() == 1 ? 20 : 10;
        int filled = (int) (width * n / p.total);
        bar.append(bar.length() == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%s [%s%s] %d/%d", p.label,
            "#".repeat(filled), " ".repeat(width - filled), n, p.total));
        left = Math.max(left, p.minutesLeft(n, now));
      }
      if (shown.size() == 1) {
        bar.append(timing(Math.min(done.get(), total), now, true));
      } else if (left > 0) {
        bar.append(String.format(Locale.ROOT, " (%.1f min left)", left));
      }
      // A shorter bar than the last one (the end drops the time left) must not leave the old tail on screen.
      int drawn = DRAWN.getOrDefault(out, 0);
      out.print("\r" + bar + " ".repeat(Math.max(0, drawn - bar.length())));
      DRAWN.put(out, bar.length());
      out.flush();
    }
  }

  /**
   * Minutes left at this bar's rate, once it has run for a minute; 0 before. Reads without this bar's lock, which
   * its own thread may hold while it waits for the shared line.
   */
  private double minutesLeft(long n, long now) {
    long first = doneAtFirst;
    if (now - started < MINUTE_NANOS || n >= total || n <= first) {
      return 0;
    }
    return (now - firstAt) / (double) MINUTE_NANOS / (n - first) * (total - n);
  }

  /** Prints a line of text on {@code to}, first clearing the bar when it is drawn on the same terminal. */
  public void line(PrintStream to, String text) {
    synchronized (this) {
      if (terminal && out != null) {
        // Under the shared line's lock, so that a bar drawn beside this one cannot land between clear and text.
        synchronized (BARS) {
          int drawn = DRAWN.getOrDefault(out, 0);
          if (drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            out.flush();
            DRAWN.put(out, 0);
          }
          for (Progress p : BARS.getOrDefault(out, List.of())) {
            p.redraw = true;
          }
          to.println(text);
          to.flush();
        }
      } else {
        to.println(text);
        to.flush();
      }
      redraw = true;
    }
  }

  /**
   * ", M min, about L min left at this rate" after a minute of work (", M min" at the end), else nothing; on the bar
   * " M min (L left)", so that a bar with a long label still fits an 80-column terminal. The rate is the mean so far,
   * so a job whose later steps are slower (D-LEMA's meta steps after a warm-up) takes longer than its early estimates.
   * The rate leaves out the first unit, which carries one-off work (TensorFlow optimises a graph on its first run).
   */
  private String timing(long n, long now, boolean onBar) {
    long elapsed = now - started;
    if (elapsed < MINUTE_NANOS) {
      return "";
    }
    double minutes = elapsed / (double) MINUTE_NANOS;
    if (n >= total) {
      return String.format(Locale.ROOT, onBar ? " %.1f min" : ", %.1f min", minutes);
    }
    double left = n > doneAtFirst ? minutesLeft(n, now) : minutes / n * (total - n);
    return String.format(Locale.ROOT, onBar ? " %.1f min (%.1f left)" : ", %.1f min, about %.1f min left at this rate",
        minutes, left);
  }

  /** Ends the bar: the line is closed when no other bar shares it, else redrawn without this one. */
  public void done() {
    if (out != null && terminal) {
      synchronized (BARS) {
        List<Progress> shown = BARS.getOrDefault(out, new ArrayList<>());
        shown.remove(this);
        if (shown.isEmpty()) {
          BARS.remove(out);
          out.println();
          DRAWN.remove(out);
        } else {
          shown.get(0).draw(clock.getAsLong());
        }
      }
    }
  }
}
