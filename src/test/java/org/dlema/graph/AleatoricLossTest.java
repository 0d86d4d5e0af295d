package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class AleatoricLossTest {
  static final int T = 4;
  static final int PIXELS = 6;
  static final Shape MAP = Shape.of(1, 2, 3, 1);
  static final Shape NOISE = Shape.of(T, 1, 2, 3, 1);

  /** Plain-Java oracle: -log((1/T) sum_t sigmoid-likelihood(y | f + sigma e_t)), in double precision. */
  static double[] reference(float[] f, float[] s, float[] y, float[] e) {
    double[] out = new double[f.length];
    for (int q = 0; q < f.length; q++) {
      double sigma = Math.exp(0.5 * s[q]);
      double mean = 0;
      for (int t = 0; t < T; t++) {
        double x = f[q] + sigma * e[t * f.length + q];
        double p = 1 / (1 + Math.exp(-x));
        mean += (y[q] > 0.5 ? p : 1 - p) / T;
      }
      out[q] = -Math.log(mean);
    }
    return out;
  }

  /** Runs the graph's loss map on fixed inputs; optionally also returns d(sum of loss)/d(f) and d/d(s). */
  static final class LossGraph implements AutoCloseable {
    final Graph g = new Graph();
    final Session session;
    final Placeholder<TFloat32> f;
    final Placeholder<TFloat32> s;
    final Placeholder<TFloat32> y;
    final Placeholder<TFloat32> e;
    final Operand<TFloat32> loss;
    final Output<?>[] gradients;

    LossGraph() {
      Ops tf = Ops.create(g);
      f = tf.placeholder(TFloat32.class, Placeholder.shape(MAP));
      s = tf.placeholder(TFloat32.class, Placeholder.shape(MAP));
      y = tf.placeholder(TFloat32.class, Placeholder.shape(MAP));
      e = tf.placeholder(TFloat32.class, Placeholder.shape(NOISE));
      loss = AleatoricLoss.lossMap(tf, f, s, y, e, T);
      Operand<TFloat32> total = tf.sum(loss, tf.constant(new int[] {0, 1, 2, 3}));
      gradients = g.addGradients(total.asOutput(), new Output<?>[] {f.asOutput(), s.asOutput()});
      session = new Session(g);
    }

    float[][] run(float[] fv, float[] sv, float[] yv, float[] ev) {
      try (TFloat32 ft = Tensors.of(fv, MAP); TFloat32 st = Tensors.of(sv, MAP); TFloat32 yt = Tensors.of(yv, MAP);
          TFloat32 et = Tensors.of(ev, NOISE);
          var result = session.runner().feed(f, ft).feed(s, st).feed(y, yt).feed(e, et).fetch(loss)
              .fetch(gradients[0]).fetch(gradients[1]).run()) {
        return new float[][] {Tensors.toArray((TFloat32) result.get(0)), Tensors.toArray((TFloat32) result.get(1)),
            Tensors.toArray((TFloat32) result.get(2))};
      }
    }

    @Override
    public void close() {
      session.close();
      g.close();
    }
  }

  static float[] random(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * scale);
    }
    return v;
  }

  final Random random = new Random(42);
  final float[] f = random(random, PIXELS, 2);
  final float[] s = random(random, PIXELS, 1);
  final float[] y = {1, 0, 1, 1, 0, 0};
  final float[] e = random(random, T * PIXELS, 1);

  @Test
  void matchesThePlainJavaReference() {
    try (LossGraph graph = new LossGraph()) {
      float[] loss = graph.run(f, s, y, e)[0];
      double[] expected = reference(f, s, y, e);
      for (int q = 0; q < PIXELS; q++) {
        assertThat((double) loss[q]).isWithin(1e-5 * (1 + expected[q])).of(expected[q]);
      }
    }
  }

  @Test
  void isStableForConfidentWrongPixels() {
    // A logit of -60 on a foreground pixel: sigmoid underflows in float, the log-space form does not.
    float[] far = {-60, 60, -60, 60, 0, 0};
    float[] tiny = new float[PIXELS];
    Arrays.fill(tiny, -20f);
    try (LossGraph graph = new LossGraph()) {
      float[] loss = graph.run(far, tiny, new float[] {1, 0, 0, 1, 1, 0}, e)[0];
      assertThat((double) loss[0]).isWithin(1e-3).of(60.0);
      assertThat((double) loss[1]).isWithin(1e-3).of(60.0);
      assertThat((double) loss[2]).isWithin(1e-6).of(0.0);
      assertThat(Float.isFinite(loss[3])).isTrue();
    }
  }

  @Test
  void withVanishingSigmaItIsSigmoidCrossEntropy() {
    float[] noVariance = new float[PIXELS];
    Arrays.fill(noVariance, -40f); // sigma = exp(-20)
    try (LossGraph graph = new LossGraph()) {
      float[] loss = graph.run(f, noVariance, y, e)[0];
      for (int q = 0; q < PIXELS; q++) {
        double crossEntropy = y[q] > 0.5 ? Math.log1p(Math.exp(-f[q])) : Math.log1p(Math.exp(f[q]));
        assertThat((double) loss[q]).isWithin(1e-5).of(crossEntropy);
      }
    }
  }

  @Test
  void gradientsMatchCentralFiniteDifferences() {
    try (LossGraph graph = new LossGraph()) {
      float[][] analytic = graph.run(f, s, y, e);
      double h = 1e-3;
      for (int which = 0; which < 2; which++) {
        for (int q = 0; q < PIXELS; q++) {
          float[] plus = (which == 0 ? f : s).clone();
          float[] minus = plus.clone();
          plus[q] += (float) h;
          minus[q] -= (float) h;
          // The oracle in double precision, so the difference quotient is not float round-off.
          double up = which == 0 ? reference(plus, s, y, e)[q] : reference(f, plus, y, e)[q];
          double down = which == 0 ? reference(minus, s, y, e)[q] : reference(f, minus, y, e)[q];
          double numeric = (up - down) / ((double) plus[q] - minus[q]);
          assertThat((double) analytic[1 + which][q]).isWithin(1e-3 * (1 + Math.abs(numeric))).of(numeric);
        }
      }
    }
  }
}
