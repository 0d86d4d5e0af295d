package org.dlema.cli;

import java.util.List;

/** One verb of the command line. */
interface Command {
  String name();

  /** One line for the verb list. */
  String summary();

  /** Runs the verb; returns the process exit code. Throws {@link UsageException} on bad arguments. */
  int run(List<String> args, Console console) throws Exception;
}
