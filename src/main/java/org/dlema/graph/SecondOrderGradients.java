package org.dlema.graph;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TFJ_GradFuncAdapter;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.RawCustomGradient;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Gradients of the backward ops, which TensorFlow's C++ registry lacks, so that gradients of gradients (the meta
 * step's d L_clean(theta - lr * grad L_noisy) / d eps) can be built. Every op type is served by ONE dispatcher
 * adapter registered natively for each type: the JVM dies on the first call of an eleventh separately registered
 * Java gradient callback, and one shared adapter avoids that limit. Registration is per process and cannot be
 * undone, so {@link #register()} is idempotent and keeps a strong reference to the adapter.
 */
public final class SecondOrderGradients {
  /** The op types whose gradients are defined here. */
  public static final List<String> OP_TYPES = List.of("ReluGrad", "Conv2DBackpropFilter", "MaxPoolGradV2",
      "BiasAddGrad", "RsqrtGrad", "SigmoidGrad", "SoftplusGrad", "OnesLike");

  private static TFJ_GradFuncAdapter adapter;

  private SecondOrderGradients() {}

  /** Registers the gradients once per process; later calls do nothing. */
  public static synchronized void register() {
    if (adapter != null) {
      return;
    }
    TensorFlow.version(); // loads the native library before the raw C API is used
    TFJ_GradFuncAdapter dispatcher = RawCustomGradient.adapter(SecondOrderGradients::gradient);
    for (String type : OP_TYPES) {
      if (tensorflow.TFJ_HasGradient(type)) {
        continue; // a newer TensorFlow may define it; its own gradient wins
      }
      if (!tensorflow.TFJ_RegisterCustomGradient(type, dispatcher)) {
        throw new IllegalStateException("TensorFlow refused a gradient for " + type);
      }
    }
    adapter = dispatcher;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> f(Output<?> output) {
    return (Operand<TFloat32>) output;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TInt32> i(Output<?> output) {
    return (Operand<TInt32>) output;
  }

  /** The dispatcher: one entry per op input, zeros where an input has no useful gradient. */
  static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> upstream) {
    Operand<TFloat32> g = f(upstream.get(0));
    switch (op.type()) {
      case "ReluGrad": {
        // out = dy * (x > 0): linear in dy, piecewise constant in x.
        Operand<TFloat32> x = f(op.input(1));
        return List.of(tf.nn.reluGrad(g, x), tf.zerosLike(x));
      }
      case "Conv2DBackpropFilter":
        return conv2dBackpropFilter(tf, op, g);
      case "MaxPoolGradV2":
        return maxPoolGrad(tf, op, g);
      case "BiasAddGrad": {
        // out = sum of dy over all but the channel axis: its gradient broadcasts back.
        Operand<TFloat32> dy = f(op.input(0));
        return List.of(tf.broadcastTo(g, tf.shape(dy)));
      }
      case "RsqrtGrad": {
        // out = -0.5 * dy * y^3
        Operand<TFloat32> y = f(op.input(0));
        Operand<TFloat32> dy = f(op.input(1));
        Operand<TFloat32> ySquared = tf.math.square(y);
        return List.of(tf.math.mul(tf.math.mul(tf.constant(-1.5f), ySquared), tf.math.mul(dy, g)),
            tf.math.mul(tf.math.mul(tf.constant(-0.5f), tf.math.mul(ySquared, y)), g));
      }
      case "SigmoidGrad": {
        // out = dy * y * (1 - y)
        Operand<TFloat32> y = f(op.input(0));
        Operand<TFloat32> dy = f(op.input(1));
        Operand<TFloat32> oneMinus2y = tf.math.sub(tf.constant(1f), tf.math.mul(tf.constant(2f), y));
        return List.of(tf.math.mul(g, tf.math.mul(dy, oneMinus2y)),
            tf.math.mul(g, tf.math.mul(y, tf.math.sub(tf.constant(1f), y))));
      }
      case "SoftplusGrad": {
        // out = dy * sigmoid(x)
        Operand<TFloat32> dy = f(op.input(0));
        Operand<TFloat32> x = f(op.input(1));
        Operand<TFloat32> s = tf.math.sigmoid(x);
        Operand<TFloat32> slope = tf.math.mul(s, tf.math.sub(tf.constant(1f), s));
        return List.of(tf.math.mul(g, s), tf.math.mul(g, tf.math.mul(dy, slope)));
      }
      case "OnesLike":
        return List.of(tf.zerosLike(op.input(0)));
      default:
        throw new IllegalStateException("no second-order gradient for " + op.type());
    }
  }

  /** out = correlation(input, dy): linear in both; the same pair of ops as Conv2D's own gradient. */
  private static List<Operand<?>> conv2dBackpropFilter(Ops tf, GraphOperation op, Operand<TFloat32> g) {
    Operand<TFloat32> input = f(op.input(0));
    Operand<TInt32> filterSizes = i(op.input(1));
    Operand<TFloat32> dy = f(op.input(2));
    List<Long> strides = longs(op.attributes().getAttrIntList("strides"));
    String padding = op.attributes().getAttrString("padding");
    return List.of(tf.nn.conv2dBackpropInput(tf.shape(input), g, dy, strides, padding),
        tf.zerosLike(filterSizes), tf.nn.conv2d(input, g, strides, padding));
  }

  /** out routes dy to each window's maximum: linear in dy, piecewise constant in the pooled tensors. */
  private static List<Operand<?>> maxPoolGrad(Ops tf, GraphOperation op, Operand<TFloat32> g) {
    Operand<TFloat32> input = f(op.input(0));
    Operand<TFloat32> output = f(op.input(1));
    Operand<TInt32> ksize = i(op.input(3));
    Operand<TInt32> strides = i(op.input(4));
    String padding = op.attributes().getAttrString("padding");
    return List.of(tf.zerosLike(input), tf.zerosLike(output),
        tf.nn.maxPoolGradGrad(input, output, g, ksize, strides, padding), tf.zerosLike(ksize),
        tf.zerosLike(strides));
  }

  private static List<Long> longs(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
