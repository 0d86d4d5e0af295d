package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Each registered gradient, checked where it is used: a forward op F, its first-order gradient
 * g = d sum(F(x) * a) / d x (which contains the backward op), and the second-order gradient of s = sum(g * b)
 * with respect to every input, against central finite differences of s.
 */
class SecondOrderGradientsTest {
  private static final List<Long> ONE = List.of(1L, 1L, 1L, 1L);
  private static final List<Long> TWO = List.of(1L, 2L, 2L, 1L);

  @BeforeAll
  static void register() {
    SecondOrderGradients.register();
    SecondOrderGradients.register(); // idempotent
  }

  /** Values spread apart so that max-pool winners and ReLU signs do not flip under a finite-difference step. */
  static float[] spread(Random random, int n, float offset) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      // Distinct values 0.1 apart and at least 0.05 from the offset: a step of 0.01 never crosses a kink.
      v[i] = offset + (order.get(i) - n / 2f + 0.5f) * 0.1f;
    }
    return v;
  }

  static float[] gaussian(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /**
   * @param forward builds F from (ops, inputs): the first input is "x", others are parameters; F's first-order
   *     gradient is taken with respect to every input
   */
  static void check(List<Shape> shapes, List<float[]> values, Shape outputShape,
      BiFunction<Ops, List<Operand<TFloat32>>, Operand<TFloat32>> forward) {
    Random random = new Random(3);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> inputs = new ArrayList<>();
      for (Shape shape : shapes) {
        inputs.add(tf.placeholder(TFloat32.class, Placeholder.shape(shape)));
      }
      Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(outputShape));
      Operand<TFloat32> y = forward.apply(tf, inputs);
      Operand<TFloat32> first = tf.sum(tf.math.mul(y, a), allAxes(tf, outputShape.numDimensions()));
      Output<?>[] xs = inputs.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
      Output<?>[] grads = g.addGradients("first", new Output<?>[] {first.asOutput()}, xs,
          new Output<?>[] {tf.constant(1f).asOutput()});
      Operand<TFloat32> s = tf.constant(0f);
      for (int k = 0; k < grads.length; k++) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> gk = (Operand<TFloat32>) grads[k];
        float[] b = gaussian(random, (int) shapes.get(k).size());
        s = tf.math.add(s, tf.sum(tf.math.mul(gk, tf.constant(Shape.of(shapes.get(k).asArray()),
            DataBuffers.of(b))), allAxes(tf, shapes.get(k).numDimensions())));
      }
      List<Output<?>> wrt = new ArrayList<>(Arrays.asList(xs));
      wrt.add(a.asOutput());
      Output<?>[] second = g.addGradients("second", new Output<?>[] {s.asOutput()}, wrt.toArray(Output<?>[]::new),
          new Output<?>[] {tf.constant(1f).asOutput()});

      List<float[]> all = new ArrayList<>(values);
      all.add(gaussian(random, (int) outputShape.size()));
      List<Shape> allShapes = new ArrayList<>(shapes);
      allShapes.add(outputShape);
      List<Operand<TFloat32>> feeds = new ArrayList<>(inputs);
      feeds.add(a);
      try (Session session = new Session(g)) {
        for (int k = 0; k < feeds.size(); k++) {
          // TensorFlow returns no gradient (a null output) for an input s does not depend on: that is zero.
          boolean connected = second[k].op() instanceof GraphOperation op && op.getUnsafeNativeHandle() != null
              && !op.getUnsafeNativeHandle().isNull();
          float[] analytic = connected ? run(session, feeds, allShapes, all, second[k])
              : new float[all.get(k).length];
          for (int e = 0; e < all.get(k).length; e++) {
            float original = all.get(k)[e];
            float h = 1e-2f;
            all.get(k)[e] = original + h;
            double up = run(session, feeds, allShapes, all, s.asOutput())[0];
            all.get(k)[e] = original - h;
            double down = run(session, feeds, allShapes, all, s.asOutput())[0];
            all.get(k)[e] = original;
            double numeric = (up - down) / (2 * h);
            assertThat((double) analytic[e]).isWithin(2e-3 * (1 + Math.abs(numeric))).of(numeric);
          }
        }
      }
    }
  }

  static Operand<TInt32> allAxes(Ops tf, int rank) {
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return tf.constant(axes);
  }

  static float[] run(Session session, List<Operand<TFloat32>> feeds, List<Shape> shapes, List<float[]> values,
      Output<?> fetch) {
    var runner = session.runner();
    List<TFloat32> tensors = new ArrayList<>();
    try {
      for (int k = 0; k < feeds.size(); k++) {
        TFloat32 t = Tensors.of(values.get(k), shapes.get(k));
        tensors.add(t);
        runner.feed(feeds.get(k), t);
      }
      try (var result = runner.fetch(fetch).run()) {
        return Tensors.toArray((TFloat32) result.get(0));
      }
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  private final Random random = new Random(11);

  @Test
  void reluGrad() {
    Shape x = Shape.of(1, 3, 3, 2);
    check(List.of(x), List.of(spread(random, 18, 0f)), x, (tf, in) -> tf.nn.relu(in.get(0)));
  }

  @Test
  void conv2dBackpropFilterAndInput() {
    Shape x = Shape.of(1, 5, 5, 2);
    Shape k = Shape.of(3, 3, 2, 3);
    check(List.of(x, k), List.of(gaussian(random, 50), gaussian(random, 54)), Shape.of(1, 3, 3, 3),
        (tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), TWO, "SAME"));
    check(List.of(x, k), List.of(gaussian(random, 50), gaussian(random, 54)), Shape.of(1, 5, 5, 3),
        (tf, in) -> tf.nn.conv2d(in.get(0), in.get(1), ONE, "SAME"));
  }

  @Test
  void transposedConvolution() {
    Shape x = Shape.of(1, 3, 3, 2);
    Shape k = Shape.of(3, 3, 4, 2);
    check(List.of(x, k), List.of(gaussian(random, 18), gaussian(random, 72)), Shape.of(1, 6, 6, 4),
        (tf, in) -> tf.nn.conv2dBackpropInput(tf.constant(new int[] {1, 6, 6, 4}), in.get(1), in.get(0), TWO,
            "SAME"));
  }

  @Test
  void maxPoolGradV2() {
    Shape x = Shape.of(1, 6, 6, 2);
    check(List.of(x), List.of(spread(random, 72, 0f)), Shape.of(1, 3, 3, 2),
        (tf, in) -> tf.nn.maxPool(in.get(0), tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}),
            "SAME"));
  }

  @Test
  void biasAddGrad() {
    Shape x = Shape.of(2, 2, 2, 3);
    check(List.of(x, Shape.of(3)), List.of(gaussian(random, 24), gaussian(random, 3)), x,
        (tf, in) -> tf.nn.biasAdd(in.get(0), in.get(1)));
  }

  @Test
  void rsqrtSigmoidAndSoftplusGrads() {
    Shape x = Shape.of(2, 3);
    float[] positive = spread(random, 6, 2f);
    check(List.of(x), List.of(positive), x, (tf, in) -> tf.math.rsqrt(in.get(0)));
    check(List.of(x), List.of(gaussian(random, 6)), x, (tf, in) -> tf.math.sigmoid(in.get(0)));
    check(List.of(x), List.of(gaussian(random, 6)), x, (tf, in) -> tf.math.softplus(in.get(0)));
  }

  @Test
  void onesLikeSeedHasAZeroGradient() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
      Operand<TFloat32> y = tf.sum(tf.math.square(x), tf.constant(0), Sum.keepDims(false));
      Output<?> first = g.addGradients(y.asOutput(), new Output<?>[] {x.asOutput()})[0]; // inserts OnesLike
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gx = (Operand<TFloat32>) first;
      Operand<TFloat32> s = tf.sum(gx, tf.constant(0), Sum.keepDims(false));
      Output<?> second = g.addGradients(s.asOutput(), new Output<?>[] {x.asOutput()})[0];
      try (Session session = new Session(g); TFloat32 value = TFloat32.vectorOf(1f, -2f, 3f);
          var result = session.runner().feed(x, value).fetch(second).run()) {
        // d/dx sum(2x) = 2 everywhere.
        assertThat(Tensors.toArray((TFloat32) result.get(0))).usingTolerance(1e-6).containsExactly(2f, 2f, 2f);
      }
    }
  }
}
