package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.util.Random;
import org.dlema.data.RgbImage;
import org.dlema.data.preprocess.Normalization;
import org.dlema.data.preprocess.Resize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The served graph must see exactly what training saw: its resizing and normalisation against the Java code's. */
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
}
