package org.dlema.cli;

import java.io.PrintStream;

/** Where a command writes: results to {@code out}, progress and problems to {@code err}. */
record Console(PrintStream out, PrintStream err) {
  static Console system() {
    return new Console(System.out, System.err);
  }
}
