package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Arrays;
import java.util.List;
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
import org.tensorflow.types.TInt64;

/**
 * Noise shared by the batch against the paper's per-image noise (eq. 5): each image's loss and gradients must keep
 * their distribution, which a plain-Java Monte Carlo in double precision gives independently.
 */
class NoiseDrawTest {
  static final int T = 10;
  static final int BATCH = 4;
  static final int SIDE = 3;
  static final int PIXELS = BATCH * SIDE * SIDE;
  static final Shape MAP = Shape.of(BATCH, SIDE, SIDE, 1);
  /** Steps (seeds) per draw: enough for a two-sample Kolmogorov-Smirnov test to see a wrong distribution. */
  static final int STEPS = 400;

  /** One step's loss map and its gradients with respect to f and s, for each seed fed. */
  static final class Graphs implements AutoCloseable {
    final Graph g = new Graph();
    final Session session;
    final Placeholder<TFloat32> f;
    final Placeholder<TFloat32> s;
    final Placeholder<TFloat32> y;
    final Placeholder<TInt64> seed;
    final Operand<TFloat32> loss;
    final Output<?>[] gradients;
    /**
     * The seed's first half. The two draws take different ones: a stateless generator may give a smaller shape the
     * first numbers of a larger one, and then the two samples compared would be correlated.
     */
    final long stream;

    Graphs(NoiseDraw draw) {
      stream = draw == NoiseDraw.SHARED ? 8 : 7;
      Ops tf = Ops.create(g);
      f = tf.placeholder(TFloat32.class, Placeholder.shape(MAP));
      s = tf.placeholder(TFloat32.class, Placeholder.shape(MAP));
      y = tf.placeholder(TFloat32.class, Placeholder.shape(MAP));
      seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      loss = AleatoricLoss.lossMap(tf, f, s, y, AleatoricLoss.noise(tf, draw, T, BATCH, SIDE, seed), T);
      Operand<TFloat32> total = tf.sum(loss, tf.constant(new int[] {0, 1, 2, 3}));
      gradients = g.addGradients(total.asOutput(), new Output<?>[] {f.asOutput(), s.asOutput()});
      session = new Session(g);
    }

    /** [quantity: loss, d/df, d/ds][step][pixel] over steps 0..STEPS-1. */
    float[][][] run(float[] fv, float[] sv, float[] yv) {
      float[][][] out = new float[3][STEPS][];
      try (TFloat32 ft = Tensors.of(fv, MAP); TFloat32 st = Tensors.of(sv, MAP); TFloat32 yt = Tensors.of(yv, MAP)) {
        for (int step = 0; step < STEPS; step++) {
          try (TInt64 seedValue = TInt64.vectorOf(stream, step);
              var result = session.runner().feed(f, ft).feed(s, st).feed(y, yt).feed(seed, seedValue).fetch(loss)
                  .fetch(gradients[0]).fetch(gradients[1]).run()) {
            for (int q = 0; q < 3; q++) {
              out[q][step] = Tensors.toArray((TFloat32) result.get(q));
            }
          }
        }
      }
      return out;
    }

    @Override
    public void close() {
      session.close();
      g.close();
    }
  }

  /**
   * Plain-Java oracle of one pixel's expected loss, d/df and d/ds, averaged over {@code draws} steps of T standard
   * normals: [mean loss, mean d/df, mean d/ds, and their standard errors].
   */
  static double[] expected(double f, double s, double y, int draws, Random random) {
    double sigma = Math.exp(0.5 * s);
    double[] sum = new double[3];
    double[] squares = new double[3];
    for (int d = 0; d < draws; d++) {
      double likelihood = 0;
      double byF = 0;
      double byS = 0;
      for (int t = 0; t < T; t++) {
        double e = random.nextGaussian();
        double p = 1 / (1 + Math.exp(-(f + sigma * e)));
        double slope = p * (1 - p) * (y > 0.5 ? 1 : -1); // d p(y | x) / dx
        likelihood += y > 0.5 ? p : 1 - p;
        byF += slope;
        byS += slope * 0.5 * sigma * e;
      }
      double[] v = {-Math.log(likelihood / T), -byF / likelihood, -byS / likelihood};
      for (int q = 0; q < 3; q++) {
        sum[q] += v[q];
        squares[q] += v[q] * v[q];
      }
    }
    double[] out = new double[6];
    for (int q = 0; q < 3; q++) {
      double mean = sum[q] / draws;
      out[q] = mean;
      out[3 + q] = Math.sqrt(Math.max(0, squares[q] / draws - mean * mean) / draws);
    }
    return out;
  }

  final Random random = new Random(11);
  final float[] f = values(PIXELS, 2);
  final float[] s = values(PIXELS, 1);
  final float[] y = labels();

  private float[] values(int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }

  private float[] labels() {
    float[] v = new float[PIXELS];
    for (int i = 0; i < PIXELS; i++) {
      v[i] = random.nextBoolean() ? 1 : 0;
    }
    return v;
  }

  @Test
  void everyImagesLossAndGradientsHaveTheSameMeanAsThePlainJavaMonteCarlo() {
    Random oracle = new Random(5);
    float[][][] shared;
    float[][][] perImage;
    try (Graphs a = new Graphs(NoiseDraw.SHARED); Graphs b = new Graphs(NoiseDraw.PER_IMAGE)) {
      shared = a.run(f, s, y);
      perImage = b.run(f, s, y);
    }
    String[] names = {"loss", "d/df", "d/ds"};
    for (int p = 0; p < PIXELS; p++) {
      double[] truth = expected(f[p], s[p], y[p], 20_000, oracle);
      for (int q = 0; q < 3; q++) {
        for (float[][][] drawn : List.of(shared, perImage)) {
          double[] stats = meanAndError(drawn[q], p);
          double error = Math.hypot(stats[1], truth[3 + q]);
          assertWithMessage("%s of pixel %s, %s draw", names[q], p, drawn == shared ? "shared" : "per-image")
              .that(Math.abs(stats[0] - truth[q])).isAtMost(5 * error + 1e-6);
        }
      }
    }
  }

  @Test
  void everyImagesLossAndGradientsHaveTheSameDistributionEitherWay() {
    float[][][] shared;
    float[][][] perImage;
    try (Graphs a = new Graphs(NoiseDraw.SHARED); Graphs b = new Graphs(NoiseDraw.PER_IMAGE)) {
      shared = a.run(f, s, y);
      perImage = b.run(f, s, y);
    }
    // Two-sample Kolmogorov-Smirnov at a level of 1e-4 per pixel and quantity: c = sqrt(-ln(1e-4 / 2) / 2).
    double critical = Math.sqrt(-Math.log(1e-4 / 2) / 2) * Math.sqrt(2.0 / STEPS);
    double largest = 0;
    for (int q = 0; q < 3; q++) {
      for (int p = 0; p < PIXELS; p++) {
        largest = Math.max(largest, ksDistance(column(shared[q], p), column(perImage[q], p)));
      }
    }
    assertThat(largest).isLessThan(critical);
    // The same test sees a wrong distribution: the loss at twice the noise's spread.
    float[] wider = s.clone();
    for (int i = 0; i < wider.length; i++) {
      wider[i] += (float) Math.log(4);
    }
    float[][][] widened;
    try (Graphs a = new Graphs(NoiseDraw.SHARED)) {
      widened = a.run(f, wider, y);
    }
    double distinct = 0;
    for (int p = 0; p < PIXELS; p++) {
      distinct = Math.max(distinct, ksDistance(column(widened[0], p), column(perImage[0], p)));
    }
    assertThat(distinct).isGreaterThan(critical);
  }

  @Test
  void sharedNoiseGivesIdenticalImagesIdenticalLossesAndMakesTheBatchMeanVaryMore() {
    float[] same = new float[PIXELS];
    float[] sameS = new float[PIXELS];
    float[] sameY = new float[PIXELS];
    int perImage = SIDE * SIDE;
    for (int i = 0; i < PIXELS; i++) {
      same[i] = f[i % perImage];
      sameS[i] = s[i % perImage];
      sameY[i] = y[i % perImage];
    }
    float[][][] shared;
    float[][][] separate;
    try (Graphs a = new Graphs(NoiseDraw.SHARED); Graphs b = new Graphs(NoiseDraw.PER_IMAGE)) {
      shared = a.run(same, sameS, sameY);
      separate = b.run(same, sameS, sameY);
    }
    // Identical images with shared noise get the same loss, up to float rounding (vectorised kernels may round an
    // element by its position); with their own noise they differ by the noise's effect.
    float[] first = shared[0][0];
    float[] own = separate[0][0];
    double sharedGap = 0;
    double ownGap = 0;
    for (int image = 1; image < BATCH; image++) {
      for (int p = 0; p < perImage; p++) {
        sharedGap = Math.max(sharedGap, Math.abs(first[image * perImage + p] - first[p]) / (1 + Math.abs(first[p])));
        ownGap = Math.max(ownGap, Math.abs(own[image * perImage + p] - own[p]) / (1 + Math.abs(own[p])));
      }
    }
    assertThat(sharedGap).isLessThan(1e-6);
    assertThat(ownGap).isGreaterThan(1e-2);
    // Four identical images: the shared draw's batch mean varies about as one image's, the paper's a quarter as much.
    double ratio = variance(batchMeans(shared[0])) / variance(batchMeans(separate[0]));
    assertThat(ratio).isGreaterThan(2.5);
    assertThat(ratio).isLessThan(6.0);
  }

  private static double[] meanAndError(float[][] steps, int pixel) {
    double[] v = column(steps, pixel);
    double mean = Arrays.stream(v).average().orElseThrow();
    return new double[] {mean, Math.sqrt(variance(v) / v.length)};
  }

  private static double[] column(float[][] steps, int pixel) {
    double[] v = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      v[i] = steps[i][pixel];
    }
    return v;
  }

  private static double[] batchMeans(float[][] steps) {
    double[] v = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double sum = 0;
      for (float x : steps[i]) {
        sum += x;
      }
      v[i] = sum / steps[i].length;
    }
    return v;
  }

  private static double variance(double[] v) {
    double mean = Arrays.stream(v).average().orElseThrow();
    return Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1);
  }

  /** The largest gap between the two samples' empirical distribution functions. */
  private static double ksDistance(double[] a, double[] b) {
    double[] x = a.clone();
    double[] z = b.clone();
    Arrays.sort(x);
    Arrays.sort(z);
    int i = 0;
    int j = 0;
    double largest = 0;
    while (i < x.length && j < z.length) {
      double next = Math.min(x[i], z[j]);
      while (i < x.length && x[i] <= next) {
        i++;
      }
      while (j < z.length && z[j] <= next) {
        j++;
      }
      largest = Math.max(largest, Math.abs((double) i / x.length - (double) j / z.length));
    }
    return largest;
  }
}
