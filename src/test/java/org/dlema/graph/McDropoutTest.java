package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.Random;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

@Tag("slow")
class McDropoutTest {
  static final int B = 2;
  static final int PASSES = 4;

  private static float[] images(int side) {
    Random random = new Random(3);
    float[] x = new float[B * side * side * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /**
   * [probability, aleatoric, epistemic] of infer(), every pass of the same masks built by hand, and (with dropout)
   * infer()'s pass probabilities.
   */
  private static float[][] run(NetworkSpec spec, float[] x) {
    int side = spec.inputSize();
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
      Parameters params = new Parameters(tf, 5, "");
      LinkNet net = new LinkNet(spec);
      LinkNet.Inference inference = net.infer(params, image, LinkNet.batchSize(tf, image));
      Operand<TFloat32> passes;
      if (spec.hasDropout()) {
        // The same computation spelled out: the batch repeated per pass, masks from the inference seed.
        Operand<TFloat32> tiled = tf.tile(image, tf.constant(new int[] {spec.mcPasses(), 1, 1, 1}));
        passes = tf.math.sigmoid(net.build(params.shared(), tiled, tf.constant(B * spec.mcPasses()),
            Mode.INFERENCE, tf.constant(new long[] {LinkNet.INFERENCE_SEED, -1})).logit());
      } else {
        passes = tf.identity(inference.probability());
      }
      // Trained weights (the shared tiny baseline): dropout layers add no variables, so they load unchanged.
      // Untrained, this tiny net in inference mode answers a constant 0.5 and would prove nothing.
      session.restore(TinyRun.run().resolve("checkpoints/best/model").toString());
      Operand<TFloat32> perPass = inference.passProbabilities() != null ? inference.passProbabilities()
          : tf.identity(passes);
      try (TFloat32 input = Tensors.of(x, Shape.of(B, side, side, 3));
          Result r = session.runner().feed(image, input).fetch(inference.probability())
              .fetch(inference.aleatoric()).fetch(inference.epistemic()).fetch(passes).fetch(perPass).run()) {
        float[][] out = new float[5][];
        for (int k = 0; k < 5; k++) {
          out[k] = Tensors.toArray((TFloat32) r.get(k));
        }
        return out;
      }
    }
  }

  @Test
  void inferenceAveragesThePassesAndIsDeterministic() throws Exception {
    NetworkSpec spec = NetworkSpec.load(Path.of("graphs/tiny.json")).withDropout(0.3, 5, PASSES);
    float[] x = images(spec.inputSize());
    float[][] out = run(spec, x);
    int pixels = B * spec.inputSize() * spec.inputSize();
    double spread = 0;
    for (int q = 0; q < pixels; q++) {
      double mean = 0;
      for (int p = 0; p < PASSES; p++) {
        mean += out[3][p * pixels + q] / PASSES;
      }
      double variance = 0;
      for (int p = 0; p < PASSES; p++) {
        double d = out[3][p * pixels + q] - mean;
        variance += d * d / PASSES;
      }
      for (int p = 0; p < PASSES; p++) {
        // pass_probabilities holds pass p of pixel q in channel p.
        assertThat((double) out[4][q * PASSES + p]).isWithin(1e-6).of(out[3][p * pixels + q]);
      }
      assertThat((double) out[0][q]).isWithin(1e-6).of(mean);
      assertThat((double) out[2][q]).isWithin(1e-6).of(variance);
      spread = Math.max(spread, variance);
    }
    // Dropout does change the passes.
    assertThat(spread).isGreaterThan(1e-6);
    // The same masks every time: a served model answers the same to the same image.
    assertThat(run(spec, x)[0]).isEqualTo(out[0]);
  }

  @Test
  void vanishingDropoutIsThePlainNetwork() throws Exception {
    NetworkSpec plain = NetworkSpec.load(Path.of("graphs/tiny.json"));
    float[] x = images(plain.inputSize());
    float[][] reference = run(plain, x);
    double low = 1;
    double high = 0;
    for (float p : reference[0]) {
      low = Math.min(low, p);
      high = Math.max(high, p);
    }
    assertThat(high - low).isGreaterThan(0.1);
    float[][] almost = run(plain.withDropout(1e-7, 8, 3), x);
    for (int q = 0; q < reference[0].length; q++) {
      assertThat(almost[0][q]).isWithin(1e-5f).of(reference[0][q]);
      assertThat(almost[1][q]).isWithin(1e-4f * reference[1][q]).of(reference[1][q]);
      assertThat(almost[2][q]).isLessThan(1e-10f);
      assertThat(reference[2][q]).isEqualTo(0f);
    }
  }

  @Test
  void aDropoutLayerZeroesItsShareAndKeepsTheMean() {
    int side = 16;
    int channels = 8;
    float rate = 0.3f;
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> ones = tf.fill(tf.constant(new int[] {B, side, side, channels}), tf.constant(1f));
      Operand<TFloat32> dropped = LinkNet.dropout(tf, ones, tf.constant(B), side, channels, rate,
          tf.constant(new long[] {4, 2}));
      try (Result r = session.runner().fetch(dropped).run()) {
        float[] values = Tensors.toArray((TFloat32) r.get(0));
        int zeros = 0;
        double sum = 0;
        for (float v : values) {
          if (v == 0f) {
            zeros++;
          } else {
            assertThat(v).isWithin(1e-6f).of(1 / (1 - rate));
          }
          sum += v;
        }
        // 4096 draws: the binomial spread of the zero share is 0.007, so 0.03 is four of them.
        assertThat((double) zeros / values.length).isWithin(0.03).of(rate);
        assertThat(sum / values.length).isWithin(0.05).of(1.0);
      }
    }
  }
}
