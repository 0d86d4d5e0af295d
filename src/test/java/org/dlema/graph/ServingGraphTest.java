package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.Random;
import org.dlema.data.RgbImage;
import org.dlema.data.preprocess.Normalization;
import org.dlema.data.preprocess.Resize;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The served graph must see exactly what training saw: its resizing and normalisation against the Java code's. */
@Tag("slow")
class ServingGraphTest {
  @ParameterizedTest
  @CsvSource({"96, 96", "200, 80", "50, 120", "31, 200", "40, 40", "97, 95"})
  void preprocessingMatchesTheJavaPipeline(int width, int height) {
    Random random = new Random(width * 1000L + height);
    RgbImage image = RgbImage.blank(width, height);
    float[] raw = new float[width * height * 3];
    for (int i = 0; i < raw.length; i++) {
      int v = random.nextInt(256);
      image.data()[i] = (byte) v;
      raw[i] = v;
    }
    Normalization normalization = new Normalization(new double[] {180, 140, 130}, new double[] {40, 45, 50}, 1);
    float[] expected = Resize.image(image, 96, 96);
    normalization.apply(expected);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Operand<TFloat32> out = ServingGraph.preprocess(tf, input, 96, normalization.mean(), normalization.std());
      try (Session s = new Session(g); TFloat32 x = Tensors.of(raw, Shape.of(1, height, width, 3));
          var result = s.runner().feed(input, x).fetch(out).run()) {
        float[] actual = Tensors.toArray((TFloat32) result.get(0));
        assertThat(actual).usingTolerance(1e-3).containsExactly(expected).inOrder();
      }
    }
  }

  /**
   * The served maps of images already at the network's size (so resizing is the identity) with an identity
   * normalisation, next to {@link LinkNet#infer} and the raw pass logits of the same weights: [served probability,
   * aleatoric, epistemic, inferred probability, aleatoric, epistemic, pass logits].
   */
  private static float[][] served(NetworkSpec spec, double temperature, float[] x, int batch) {
    int side = spec.inputSize();
    try (Graph g = new Graph(); Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      ServingGraph.Endpoints served = ServingGraph.single(tf, spec, new double[] {0, 0, 0}, new double[] {1, 1, 1},
          "", temperature);
      Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
      Parameters shared = served.parameters().shared();
      LinkNet.Inference inferred = new LinkNet(spec).infer(shared, input, LinkNet.batchSize(tf, input));
      LinkNet.Passes passes = new LinkNet(spec).passes(shared, input, LinkNet.batchSize(tf, input));
      // Trained weights: untrained, the tiny net answers a constant 0.5 in inference mode.
      session.restore(TinyRun.run().resolve("checkpoints/best/model").toString());
      try (TFloat32 images = Tensors.of(x, Shape.of(batch, side, side, 3));
          Result r = session.runner().feed(served.image(), images).feed(input, images)
              .fetch(served.probability()).fetch(served.aleatoric()).fetch(served.epistemic())
              .fetch(inferred.probability()).fetch(inferred.aleatoric()).fetch(inferred.epistemic())
              .fetch(passes.logit()).run()) {
        float[][] out = new float[7][];
        for (int k = 0; k < 7; k++) {
          out[k] = Tensors.toArray((TFloat32) r.get(k));
        }
        return out;
      }
    }
  }

  @Test
  void mcDropoutIsServedAsInferredAndTheTemperatureDividesEveryPassesLogit() throws Exception {
    int passes = 3;
    int batch = 2;
    NetworkSpec spec = NetworkSpec.load(Path.of("graphs/tiny.json")).withDropout(0.3, 5, passes);
    int pixels = batch * spec.inputSize() * spec.inputSize();
    Random random = new Random(4);
    float[] x = new float[pixels * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    // Served through the resizing and normalisation (identities here, up to float rounding) and inferred directly.
    float[][] plain = served(spec, 1, x, batch);
    assertThat(plain[0]).usingTolerance(1e-5).containsExactly(plain[3]).inOrder();
    assertThat(plain[2]).usingTolerance(1e-5).containsExactly(plain[5]).inOrder();
    assertRelativelyClose(plain[1], plain[4]);
    double temperature = 2.5;
    float[][] scaled = served(spec, temperature, x, batch);
    // The aleatoric variance is left as trained; the probability and its spread come from the scaled passes.
    assertRelativelyClose(scaled[1], plain[1]);
    float[] logits = scaled[6];
    double changed = 0;
    for (int q = 0; q < pixels; q++) {
      double[] p = new double[passes];
      double mean = 0;
      for (int k = 0; k < passes; k++) {
        p[k] = 1 / (1 + Math.exp(-logits[k * pixels + q] / temperature));
        mean += p[k] / passes;
      }
      double spread = 0;
      for (int k = 0; k < passes; k++) {
        spread += (p[k] - mean) * (p[k] - mean) / passes;
      }
      assertThat((double) scaled[0][q]).isWithin(1e-5).of(mean);
      assertThat((double) scaled[2][q]).isWithin(1e-5).of(spread);
      changed = Math.max(changed, Math.abs(scaled[0][q] - plain[0][q]));
    }
    assertThat(changed).isGreaterThan(1e-3);
  }

  private static void assertRelativelyClose(float[] actual, float[] expected) {
    assertThat(actual).hasLength(expected.length);
    for (int q = 0; q < expected.length; q++) {
      assertThat((double) actual[q]).isWithin(1e-5 * Math.abs(expected[q])).of(expected[q]);
    }
  }
}
