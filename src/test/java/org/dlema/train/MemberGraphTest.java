package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.Random;
import org.dlema.graph.AleatoricLoss;
import org.dlema.graph.LinkNet;
import org.dlema.graph.Mode;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The meta-gradient g = d L_clean(theta - lr * d sum(eps * l) / d theta) / d eps of the tiny network against
 * central finite differences over eps: along random directions (which check all of g at once) and per pixel at
 * the pixels where g is largest.
 */
class MemberGraphTest {
  static NetworkSpec tiny;
  static final int NOISY = 4;
  static final int CLEAN = 4;
  static final int SIDE = 64;
  static final int PIXELS = SIDE * SIDE;

  @BeforeAll
  static void spec() throws Exception {
    // The tiny spec's widths at 64x64, so that the deepest batch norm normalises over more than a handful of
    // values: at 32x32 its statistics come from one pixel per image and finite differences stop being linear.
    NetworkSpec t = NetworkSpec.load(Path.of("graphs/tiny.json"));
    tiny = new NetworkSpec("tiny64", SIDE, t.stem(), t.stages(), t.blocks(), t.head(), t.batchNormMomentum(),
        t.batchNormEpsilon(), 0, 0, 0);
  }

  static float[] images(Random random, int n) {
    float[] x = new float[n * PIXELS * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** Discs of random size and place: labels with structure, as masks have. */
  static float[] labels(Random random, int n) {
    float[] y = new float[n * PIXELS];
    for (int b = 0; b < n; b++) {
      double cx = 8 + random.nextInt(16);
      double cy = 8 + random.nextInt(16);
      double r = 4 + random.nextInt(8);
      for (int p = 0; p < PIXELS; p++) {
        double dx = p % SIDE - cx;
        double dy = p / SIDE - cy;
        y[b * PIXELS + p] = dx * dx + dy * dy <= r * r ? 1f : 0f;
      }
    }
    return y;
  }

  @Test
  void metaGradientMatchesFiniteDifferences() {
    Random random = new Random(5);
    float[] nx = images(random, NOISY);
    float[] ny = labels(random, NOISY);
    float[] cx = images(random, CLEAN);
    float[] cy = labels(random, CLEAN);
    float rate = 1e-2f;
    TrainingSettings settings = new TrainingSettings("dlema", NOISY, rate, 0.9, 0, 2, 3, 1, 1, 1, 0.2);
    try (MemberGraph graph = new MemberGraph(tiny, settings, CLEAN, MemberGraph.CleanLoss.CROSS_ENTROPY)) {
      graph.session().initialize();
      float[] zero = new float[NOISY * PIXELS];
      float[] g = graph.metaGradient(nx, ny, cx, cy, 7, rate, zero);
      double norm = 0;
      for (float v : g) {
        norm += v * v;
      }
      assertThat(norm).isGreaterThan(0.0);

      double worstOracle = 0;
      double worstDifference = 0;
      for (int trial = 0; trial < 3; trial++) {
        float[] direction = unitDirection(random, g.length);
        double analytic = 0;
        for (int i = 0; i < g.length; i++) {
          analytic += (double) g[i] * direction[i];
        }
        double oracle = firstOrderOracle(settings, nx, ny, cx, cy, 7, rate, direction);
        worstOracle = Math.max(worstOracle, Math.abs(analytic - oracle) / Math.abs(oracle));
        double best = Double.POSITIVE_INFINITY;
        for (double h : new double[] {1e-1, 1e-2}) {
          double numeric = centralDifference(graph, nx, ny, cx, cy, rate, direction, h);
          best = Math.min(best, Math.abs(numeric - analytic) / Math.abs(analytic));
        }
        worstDifference = Math.max(worstDifference, best);
      }
      System.out.printf("meta-gradient: relative error %.1e against the first-order oracle, %.1e against finite "
          + "differences (best of two steps, worst of three directions)%n", worstOracle, worstDifference);
      // Exact identity, so only float32 round-off separates the two.
      assertThat(worstOracle).isLessThan(1e-4);
      // Finite differences of the whole network in float32 meet ReLU and max-pool kinks and batch-norm curvature
      // before round-off allows a smaller step: they confirm sign and size, the oracle the digits.
      assertThat(worstDifference).isLessThan(0.25);
    }
  }

  static float[] unitDirection(Random random, int n) {
    float[] direction = new float[n];
    double length = 0;
    for (int i = 0; i < n; i++) {
      direction[i] = (float) random.nextGaussian();
      length += direction[i] * direction[i];
    }
    for (int i = 0; i < n; i++) {
      direction[i] /= (float) Math.sqrt(length);
    }
    return direction;
  }

  /**
   * Independent oracle with first-order gradients only: at eps = 0, theta' = theta, so by the chain rule
   * g . d = -lr * grad L_clean(theta) . grad_theta sum(d * l(theta)).
   */
  static double firstOrderOracle(TrainingSettings settings, float[] nx, float[] ny, float[] cx, float[] cy,
      long noiseStep, float rate, float[] direction) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Parameters params = new Parameters(tf, settings.seed(), "");
      LinkNet net = new LinkNet(tiny);
      var noisy = net.build(params, tf.constant(Shape.of(NOISY, SIDE, SIDE, 3),
          DataBuffers.of(nx)), tf.constant(NOISY), Mode.TRAIN);
      var labels = tf.constant(Shape.of(NOISY, SIDE, SIDE, 1),
          DataBuffers.of(ny));
      var noise = AleatoricLoss.noise(tf, settings.mcSamples(), NOISY, SIDE,
          tf.constant(new long[] {settings.seed(), noiseStep}));
      var map = AleatoricLoss.lossMap(tf, noisy.logit(), noisy.logVariance(), labels, noise,
          settings.mcSamples());
      var all = tf.constant(new int[] {0, 1, 2, 3});
      var weighted = tf.sum(tf.math.mul(map, tf.constant(Shape.of(NOISY, SIDE, SIDE, 1),
          DataBuffers.of(direction))), all);
      var clean = net.build(params.shared(), tf.constant(Shape.of(CLEAN, SIDE, SIDE, 3),
          DataBuffers.of(cx)), tf.constant(CLEAN), Mode.TRAIN);
      var sign = tf.math.sub(tf.constant(1f), tf.math.mul(tf.constant(2f), tf.constant(
          Shape.of(CLEAN, SIDE, SIDE, 1), DataBuffers.of(cy))));
      var cleanLoss = tf.math.mean(tf.math.softplus(tf.math.mul(sign, clean.logit())), all);
      // The clean cross-entropy does not reach the log-variance head, whose terms of the dot product are zero.
      var xs = params.trainableByName().entrySet().stream().filter(e -> !e.getKey().startsWith("head.logvar"))
          .map(e -> e.getValue().asOutput()).toArray(Output<?>[]::new);
      var gn = g.addGradients(weighted.asOutput(), xs);
      var gc = g.addGradients(cleanLoss.asOutput(), xs);
      double dot = 0;
      try (Session session = new Session(g)) {
        session.initialize();
        var runner = session.runner();
        for (int k = 0; k < xs.length; k++) {
          runner.fetch(gn[k]).fetch(gc[k]);
        }
        try (var result = runner.run()) {
          for (int k = 0; k < xs.length; k++) {
            float[] a = Tensors.toArray((TFloat32) result.get(2 * k));
            float[] b = Tensors.toArray((TFloat32) result.get(2 * k + 1));
            for (int i = 0; i < a.length; i++) {
              dot += (double) a[i] * b[i];
            }
          }
        }
      }
      return -rate * dot;
    }
  }

  private static double centralDifference(MemberGraph graph, float[] nx, float[] ny, float[] cx, float[] cy,
      float rate, float[] direction, double h) {
    float[] plus = new float[direction.length];
    float[] minus = new float[direction.length];
    for (int i = 0; i < direction.length; i++) {
      plus[i] = (float) (h * direction[i]);
      minus[i] = (float) (-h * direction[i]);
    }
    float[] up = graph.cleanLossMap(nx, ny, cx, cy, 7, rate, plus);
    float[] down = graph.cleanLossMap(nx, ny, cx, cy, 7, rate, minus);
    double difference = 0;
    for (int i = 0; i < up.length; i++) {
      difference += (double) up[i] - down[i];
    }
    return difference / up.length / (2 * h);
  }
}
