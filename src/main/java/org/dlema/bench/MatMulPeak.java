package org.dlema.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.dlema.graph.SessionThreads;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * The practical peak of this machine under TensorFlow: the rate of one large float32 MatMul (n x n by n x n,
 * 2 n^3 operations), the best-tuned kernel there is, in a session of its own. Both operands are fed (constants would
 * be folded away by Grappler). Runs can be taken at several points of a benchmark so that the peak sees the same
 * drifting load as the steps it is compared with; the figure is the median of all timed runs. The same product in
 * bfloat16 shows what reduced precision would give: fast only where the processor has bfloat16 units (AMX or
 * AVX-512 BF16), which oneDNN's kernels use; elsewhere TensorFlow converts each element.
 */
public final class MatMulPeak implements AutoCloseable {
  /** The operands' type, and how an operand of it is made from float values. */
  public enum Precision {
    FLOAT32(TFloat32.class), BFLOAT16(TBfloat16.class);

    private final Class<? extends TNumber> type;

    Precision(Class<? extends TNumber> type) {
      this.type = type;
    }

    Tensor tensor(Shape shape, float[] values) {
      FloatDataBuffer data = DataBuffers.of(values, true, false);
      return this == FLOAT32 ? TFloat32.tensorOf(shape, data) : TBfloat16.tensorOf(shape, data);
    }
  }

  /** The two fed operands' names. */
  private static final String A = "peak.a";
  private static final String B = "peak.b";

  /** The figure: the median over {@code runs} timed runs, and the range of the per-run rates. */
  public record Peak(int size, long flopsPerRun, int runs, double medianMs, double gflops, double minGflops,
      double maxGflops) {}

  private final int size;
  private final Graph graph = new Graph();
  private final Session session;
  private final Operand<?> product;
  private final Tensor left;
  private final Tensor right;
  private final List<Double> millis = new ArrayList<>();

  public MatMulPeak(int size) {
    this(size, Precision.FLOAT32);
  }

  public MatMulPeak(int size, Precision precision) {
    this.size = size;
    Shape shape = Shape.of(size, size);
    product = matMul(Ops.create(graph), precision.type, shape);
    left = precision.tensor(shape, uniform(size, 1));
    right = precision.tensor(shape, uniform(size, 2));
    session = SessionThreads.open(graph);
  }

  private static <T extends TNumber> Operand<T> matMul(Ops tf, Class<T> type, Shape shape) {
    return tf.linalg.matMul(tf.withName(A).placeholder(type, Placeholder.shape(shape)),
        tf.withName(B).placeholder(type, Placeholder.shape(shape)));
  }

  /** Untimed runs: the first pays for graph optimisation and the kernel's buffers. */
  public void warmUp(int runs) {
    for (int i = 0; i < runs; i++) {
      runOnce();
    }
  }

  /** Timed runs, added to the pool the peak is the median of. */
  public void sample(int runs) {
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      runOnce();
      millis.add((System.nanoTime() - start) / 1e6);
    }
  }

  /** The devices a traced run of the MatMul touched, e.g. {@code /job:localhost/replica:0/task:0/device:CPU:0}. */
  public List<String> devices() {
    RunOptions traced = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    Set<String> devices = new LinkedHashSet<>();
    try (Result result = session.runner().feed(A, left).feed(B, right).fetch(product).setOptions(traced)
        .runAndFetchMetadata()) {
      result.getMetadata().ifPresent(metadata -> {
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
          devices.add(device.getDevice());
        }
      });
    }
    return devices.isEmpty() ? List.of("CPU") : List.copyOf(devices);
  }

  public long flopsPerRun() {
    return 2L * size * size * size;
  }

  public Peak peak() {
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    double flops = flopsPerRun();
    return new Peak(size, flopsPerRun(), sorted.length, median, flops / (median * 1e6),
        sorted.length == 0 ? Double.NaN : flops / (sorted[sorted.length - 1] * 1e6),
        sorted.length == 0 ? Double.NaN : flops / (sorted[0] * 1e6));
  }

  private void runOnce() {
    try (Result result = session.runner().feed(A, left).feed(B, right).fetch(product).run()) {
      // Fetched so that the MatMul runs; the product itself is not needed.
    }
  }

  private static float[] uniform(int size, long seed) {
    Random random = new Random(seed);
    float[] values = new float[size * size];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }

  @Override
  public void close() {
    left.close();
    right.close();
    session.close();
    graph.close();
  }
}
