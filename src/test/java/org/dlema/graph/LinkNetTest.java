package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class LinkNetTest {
  /** Independent count of LinkNet's trainable scalars from the architecture's description. */
  static long expectedParameters(NetworkSpec s) {
    long n = 49L * 3 * s.stem() + 2L * s.stem();
    int in = s.stem();
    for (int stage = 0; stage < 4; stage++) {
      int out = s.stages()[stage];
      for (int block = 0; block < s.blocks()[stage]; block++) {
        boolean project = (stage > 0 && block == 0) || in != out;
        n += 9L * in * out + 2L * out + 9L * out * out + 2L * out + (project ? (long) in * out + 2L * out : 0);
        in = out;
      }
    }
    for (int stage = 3; stage >= 0; stage--) {
      int out = stage > 0 ? s.stages()[stage - 1] : s.stages()[0];
      int mid = Math.max(1, in / 4);
      n += (long) in * mid + 2L * mid + 9L * mid * mid + 2L * mid + (long) mid * out + 2L * out;
      in = out;
    }
    n += 9L * in * s.head() + 2L * s.head() + 9L * s.head() * s.head() + 2L * s.head();
    n += 2 * (4L * s.head() + 1);
    return n;
  }

  @ParameterizedTest
  @CsvSource({"tiny, 7595", "linknet-lite, 724850", "linknet-lite-64, 724850", "linknet-lite-64-prior, 724850",
      "linknet-lite-128, 724850", "linknet18, 11533442"})
  void parameterCountAndOutputShapes(String name, long pinned) throws Exception {
    NetworkSpec spec = NetworkSpec.load(Path.of("graphs", name + ".json"));
    assertThat(spec.name()).isEqualTo(name);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int size = spec.inputSize();
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, size, size, 3)));
      Parameters params = new Parameters(tf, 1, "");
      NetworkOutputs out = new LinkNet(spec).build(params, image, LinkNet.batchSize(tf, image), Mode.INFERENCE);
      assertThat(params.trainableCount()).isEqualTo(expectedParameters(spec));
      assertThat(params.trainableCount()).isEqualTo(pinned);
      if (size <= 96 && spec.stem() <= 16) {
        try (Session s = new Session(g);
            TFloat32 x = TFloat32.tensorOf(Shape.of(2, size, size, 3));
            var result = s.runner().feed(image, x).fetch(out.logit()).fetch(out.logVariance()).run()) {
          for (int i = 0; i < 2; i++) {
            assertThat(result.get(i).shape()).isEqualTo(Shape.of(2, size, size, 1));
          }
        }
      }
    }
  }
}
