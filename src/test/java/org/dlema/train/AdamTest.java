package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dlema.graph.NetworkSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --optimizer adam} against its equations. The oracle for the gradient is momentum SGD's first step, which is
 * exactly -lr * g from the same initial weights and batch; Adam's first step must then be
 * -lr * sqrt(1 - b2) g / (sqrt(1 - b2) |g| + eps) for every weight (bias-corrected m1 / (sqrt(v1) + eps)). Two steps
 * run twice give the same weights to the bit.
 */
class AdamTest {
  static NetworkSpec tiny;
  static final int BATCH = 2;

  @BeforeAll
  static void spec() throws Exception {
    tiny = NetworkSpec.load(Path.of("graphs/tiny.json"));
  }

  /** Every trainable weight's change after {@code steps} steps, flattened in name order. */
  private static List<Float> movesAfter(Optimizer optimizer, float lr, int steps, float[][] images,
      float[][] labels) {
    TrainingSettings settings = TrainingSettings.builder(Method.BASELINE).batchSize(BATCH).learningRate(lr)
        .weightDecay(0).mcSamples(2).seed(5).steps(steps).interval(steps).optimizer(optimizer).build();
    try (TrainingGraph graph = new TrainingGraph(tiny, settings)) {
      graph.session().initialize();
      List<String> names = new ArrayList<>(graph.parameters().trainableByName().keySet());
      List<float[]> before = WeightAverageTest.read(graph.session(), names);
      for (int s = 0; s < steps; s++) {
        graph.trainStep(images[s], labels[s], s, lr);
      }
      List<float[]> after = WeightAverageTest.read(graph.session(), names);
      List<Float> moves = new ArrayList<>();
      for (int v = 0; v < before.size(); v++) {
        for (int i = 0; i < before.get(v).length; i++) {
          moves.add(after.get(v)[i] - before.get(v)[i]);
        }
      }
      return moves;
    }
  }

  @Test
  void theFirstStepIsTheBiasCorrectedRatioAndTwoStepsRepeatExactly() {
    int side = tiny.inputSize();
    Random random = new Random(3);
    float[][] images = new float[2][];
    float[][] labels = new float[2][];
    for (int s = 0; s < 2; s++) {
      images[s] = WeightAverageTest.random(random, BATCH * side * side * 3, false);
      labels[s] = WeightAverageTest.random(random, BATCH * side * side, true);
    }
    // At rate 1 momentum's first move is -g itself, far above the weights' float32 rounding.
    List<Float> gradient = movesAfter(Optimizer.MOMENTUM, 1f, 1, images, labels).stream().map(d -> -d).toList();
    float lr = 1e-3f;
    List<Float> adam = movesAfter(Optimizer.ADAM, lr, 1, images, labels);
    double c = Math.sqrt(1 - Optimizer.ADAM_BETA2);
    int compared = 0;
    for (int i = 0; i < adam.size(); i++) {
      double g = gradient.get(i);
      if (Math.abs(g) < 1e-5) {
        continue;
      }
      double expected = -lr * c * g / (c * Math.abs(g) + Optimizer.ADAM_EPSILON);
      assertThat((double) adam.get(i)).isWithin(1e-3 * lr).of(expected);
      compared++;
    }
    assertThat(compared).isGreaterThan(1000);

    assertThat(movesAfter(Optimizer.ADAM, lr, 2, images, labels))
        .containsExactlyElementsIn(movesAfter(Optimizer.ADAM, lr, 2, images, labels)).inOrder();
  }
}
