package org.dlema.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.dlema.graph.NoiseDraw;
import org.dlema.graph.SessionThreads;

/**
 * Another way of running the same steps, which the benchmark times beside the main one in the same process and
 * interleaved with it: the environment's settings are read once per process, so only choices a session or a graph
 * makes can be compared this way (oneDNN's kernels, read when TensorFlow starts, need a process each).
 */
public enum StepVariant {
  /** Grappler's graph rewriting the other way from the environment's ({@code DLEMA_GRAPPLER}). */
  REWRITING,
  /** oneDNN's automatic bfloat16 rewrite of the graph (it applies only where oneDNN's kernels run). */
  BFLOAT16,
  /** Eq. 5's noise drawn once per step for the whole batch ({@link NoiseDraw#SHARED}). */
  SHARED_NOISE;

  /** The name {@code benchmark --compare} takes. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The ids, in order, for the help and errors. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(StepVariant::id).toList();
  }

  /** What runs differently, in words for the report (read on the thread that measures). */
  String path() {
    return switch (this) {
      case REWRITING -> SessionThreads.rewriting() ? "rewriting off" : "rewriting on";
      case BFLOAT16 -> "bfloat16 rewrite";
      case SHARED_NOISE -> NoiseDraw.SHARED.describe();
    };
  }

  /** Makes something whose graphs draw eq. 5's noise as given and whose sessions run this way. */
  <T> T apply(Function<NoiseDraw, T> make) {
    NoiseDraw draw = this == SHARED_NOISE ? NoiseDraw.SHARED : NoiseDraw.PER_IMAGE;
    return switch (this) {
      case REWRITING -> SessionThreads.withRewriting(!SessionThreads.rewriting(), () -> make.apply(draw));
      case BFLOAT16 -> SessionThreads.withBfloat16(() -> make.apply(draw));
      case SHARED_NOISE -> make.apply(draw);
    };
  }
}
