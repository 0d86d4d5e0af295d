package org.dlema.cli;

import java.util.Set;

/** A {@code dlema cluster} verb: the shared job options, {@code --test} repeatable, train options after {@code --}. */
abstract class ClusterCommand extends OptionsCommand {
  private final String engine;

  /** @param engine the scheduler's name as the help text says it, e.g. {@code Slurm} */
  ClusterCommand(String path, String engine) {
    super(path);
    this.engine = engine;
  }

  @Override
  String footer() {
    return ClusterJobOptions.footer(engine);
  }

  @Override
  String usageTail() {
    return " [-- TRAIN OPTIONS]";
  }

  /** Everything after {@code --}: the options of {@code dlema train}. */
  @Override
  int positionalArguments() {
    return Integer.MAX_VALUE;
  }

  @Override
  Set<String> repeatable() {
    return Set.of("test");
  }
}
