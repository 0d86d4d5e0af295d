package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The spec's {@code coordinates}: two more input channels with each pixel's x and y, and one more stem input. */
class CoordinatesTest {
  private static NetworkSpec withCoordinates(NetworkSpec s) {
    return new NetworkSpec(s.name() + "-coord", s.inputSize(), s.stem(), s.stages(), s.blocks(), s.head(),
        s.batchNormMomentum(), s.batchNormEpsilon(), 0, 0, 0, 0, true);
  }

  @Test
  void channelsHoldPixelCentresAndTheImagePassesThrough() {
    int size = 4;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      var out = LinkNet.withCoordinates(tf, image, LinkNet.batchSize(tf, image), size);
      float[] pixels = new float[2 * size * size * 3];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = i;
      }
      try (Session s = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(2, size, size, 3),
              org.tensorflow.ndarray.buffer.DataBuffers.of(pixels));
          var result = s.runner().feed(image, x).fetch(out).run()) {
        TFloat32 y = (TFloat32) result.get(0);
        assertThat(y.shape()).isEqualTo(Shape.of(2, size, size, 5));
        // Pixel centres of a 4-pixel side: -0.75, -0.25, 0.25, 0.75; x along the columns, y along the rows.
        assertThat(y.getFloat(1, 0, 0, 3)).isEqualTo(-0.75f);
        assertThat(y.getFloat(1, 0, 3, 3)).isEqualTo(0.75f);
        assertThat(y.getFloat(1, 2, 3, 4)).isEqualTo(0.25f);
        assertThat(y.getFloat(0, 3, 1, 4)).isEqualTo(0.75f);
        assertThat(y.getFloat(1, 2, 1, 2)).isEqualTo(pixels[((1 * size + 2) * size + 1) * 3 + 2]);
      }
    }
  }

  @Test
  void onlyTheStemGrows() throws Exception {
    NetworkSpec plain = NetworkSpec.load(Path.of("graphs", "tiny.json"));
    NetworkSpec coord = withCoordinates(plain);
    assertThat(coord.inputChannels()).isEqualTo(5);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      int size = coord.inputSize();
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      Parameters params = new Parameters(tf, 1, "");
      NetworkOutputs out = new LinkNet(coord).build(params, image, LinkNet.batchSize(tf, image), Mode.INFERENCE);
      assertThat(params.trainableCount()).isEqualTo(LinkNetTest.expectedParameters(plain) + 49L * 2 * plain.stem());
      try (Session s = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(2, size, size, 3));
          var result = s.runner().feed(image, x).fetch(out.logit()).run()) {
        assertThat(result.get(0).shape()).isEqualTo(Shape.of(2, size, size, 1));
      }
    }
  }
}
