package org.dlema.cli;

import org.dlema.experiment.ExperimentException;
import org.dlema.train.NothingLeftException;
import org.dlema.train.RunStateException;
import org.dlema.train.WeightFigure;

/** What the command line adds to a library error: the option that fixes it. The library speaks in its own terms. */
final class Advice {
  private Advice() {}

  /** A sentence to append, or an empty string. */
  static String of(Exception e) {
    if (e instanceof RunStateException state) {
      return switch (state.reason()) {
        case OCCUPIED -> "; pass --resume to continue it, or choose another --out";
        case STEPS_BELOW_DONE -> "; give a larger --steps";
        case NOT_A_RUN -> "; point --out (or --run) at a run folder";
        case MISMATCH -> "; choose another --out";
        case BUSY -> "";
      };
    }
    if (e instanceof NothingLeftException) {
      return " (lower --min-kappa, or ask for fewer --members)";
    }
    if (e instanceof ExperimentException) {
      return "; choose another --out, or run again with the same options to continue";
    }
    if (e instanceof WeightFigure.NoMapsException) {
      return " (--image picks another image; --weight-samples of train keeps more)";
    }
    return "";
  }
}
