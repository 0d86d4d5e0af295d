package org.dlema.graph;

import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions;

/**
 * The thread pools of every session the project opens. TensorFlow's defaults (intra-op = inter-op = the core count)
 * are kept unless the environment sets {@code DLEMA_INTRA_OP_THREADS} or {@code DLEMA_INTER_OP_THREADS}; the pools
 * are process-wide (the first session sizes them), so all sessions, and members trained side by side, share them.
 * Results can depend on the intra-op count (it decides how reductions are split), so a run is reproducible
 * bit for bit with the same count. {@code DLEMA_XLA=1} asks for XLA's JIT compilation of the graph (global level 1;
 * on a CPU TensorFlow also needs {@code TF_XLA_FLAGS=--tf_xla_cpu_global_jit}); it is off by default because it was
 * measured slower here (docs/performance.md). {@code DLEMA_GRAPPLER=off} turns TensorFlow's graph rewriting
 * (Grappler) off: a graph's first run is then much cheaper (docs/training.md), but the arithmetic rewrites no longer
 * apply, so the weights differ in their last bits from a run with it on (the default). The test suite runs with it
 * off; a run is reproducible bit for bit with the same setting.
 */
public final class SessionThreads {
  public static final String INTRA = "DLEMA_INTRA_OP_THREADS";
  public static final String INTER = "DLEMA_INTER_OP_THREADS";
  public static final String XLA = "DLEMA_XLA";
  public static final String GRAPPLER = "DLEMA_GRAPPLER";

  /** This thread's choice of graph rewriting, over the environment's (null: the environment's). */
  private static final ThreadLocal<Boolean> REWRITING = new ThreadLocal<>();

  private SessionThreads() {}

  /**
   * Makes something whose sessions open on this thread with Grappler's rewriting on or off, whatever the environment
   * says: how the benchmark times both in one process.
   */
  public static <T> T withRewriting(boolean on, Supplier<T> make) {
    Boolean before = REWRITING.get();
    REWRITING.set(on);
    try {
      return make.get();
    } finally {
      REWRITING.set(before);
    }
  }

  /** A session on {@code graph} with the configured pools. */
  public static Session open(Graph graph) {
    return new Session(graph, config());
  }

  static ConfigProto config() {
    ConfigProto.Builder config = ConfigProto.newBuilder();
    config.setIntraOpParallelismThreads(count(INTRA));
    config.setInterOpParallelismThreads(count(INTER));
    if ("1".equals(System.getenv(XLA))) {
      config.getGraphOptionsBuilder().getOptimizerOptionsBuilder().setGlobalJitLevel(
          OptimizerOptions.GlobalJitLevel.ON_1);
    }
    if (!rewriting()) {
      config.getGraphOptionsBuilder().getRewriteOptionsBuilder().setDisableMetaOptimizer(true);
    }
    return config.build();
  }

  /** Whether Grappler rewrites the graphs of the sessions opened now: this thread's choice, else the environment's. */
  public static boolean rewriting() {
    Boolean chosen = REWRITING.get();
    if (chosen != null) {
      return chosen;
    }
    String grappler = System.getenv(GRAPPLER);
    if (grappler == null || grappler.isBlank()) {
      return true;
    }
    return switch (grappler.trim()) {
      case "off" -> false;
      case "on" -> true;
      default -> throw new IllegalArgumentException(GRAPPLER + " must be on or off, got '" + grappler + "'");
    };
  }

  /** The count set in the environment, or 0 (TensorFlow's choice). */
  private static int count(String variable) {
    String text = System.getenv(variable);
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(text.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a whole number >= 0 (0: TensorFlow's choice), got '"
          + text + "'");
    }
  }
}
