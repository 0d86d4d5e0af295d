package org.dlema.graph;

import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;

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
 * off; a run is reproducible bit for bit with the same setting. Whether TensorFlow's oneDNN kernels run is
 * TensorFlow's choice, made once per process ({@link OneDnn}).
 */
public final class SessionThreads {
  public static final String INTRA = "DLEMA_INTRA_OP_THREADS";
  public static final String INTER = "DLEMA_INTER_OP_THREADS";
  public static final String XLA = "DLEMA_XLA";
  public static final String GRAPPLER = "DLEMA_GRAPPLER";

  /** This thread's choice of graph rewriting, over the environment's (null: the environment's). */
  private static final ThreadLocal<Boolean> REWRITING = new ThreadLocal<>();
  /** Whether this thread's sessions ask for oneDNN's bfloat16 rewrite (only the benchmark does). */
  private static final ThreadLocal<Boolean> BFLOAT16 = ThreadLocal.withInitial(() -> false);

  private SessionThreads() {}

  /**
   * Makes something whose sessions open on this thread with Grappler's rewriting on or off, whatever the environment
   * says: how the benchmark times both in one process.
   */
  public static <T> T withRewriting(boolean on, Supplier<T> make) {
    return with(REWRITING, on, make);
  }

  /**
   * Makes something whose sessions open on this thread with oneDNN's automatic bfloat16 rewrite asked for: Grappler
   * then runs the convolutions, matrix products and most element-wise ops in bfloat16, with casts around them. It
   * applies only where oneDNN's kernels run ({@link OneDnn}) and rewriting is on; how the benchmark times it.
   */
  public static <T> T withBfloat16(Supplier<T> make) {
    return with(BFLOAT16, true, make);
  }

  /** Makes something with this thread's {@code choice} set to {@code value}, then sets it back. */
  private static <T> T with(ThreadLocal<Boolean> choice, boolean value, Supplier<T> make) {
    Boolean before = choice.get();
    choice.set(value);
    try {
      return make.get();
    } finally {
      choice.set(before);
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
    if (BFLOAT16.get()) {
      config.getGraphOptionsBuilder().getRewriteOptionsBuilder().setAutoMixedPrecisionOnednnBfloat16(
          RewriterConfig.Toggle.ON);
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
