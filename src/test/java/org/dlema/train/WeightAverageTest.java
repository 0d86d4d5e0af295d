package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.SessionThreads;
import org.dlema.graph.Tensors;
import org.dlema.train.EnsembleSettings.CleanSource;
import org.dlema.train.EnsembleSettings.WeightNormalization;
import org.dlema.train.EnsembleSettings.Weighting;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The moving average of the weights ({@code --ema}): against its recurrence computed in plain Java from the
 * optimiser's weights after every step, without any effect on those weights, and read by name as the network that
 * validation and export see.
 */
@Tag("slow")
class WeightAverageTest {
  static NetworkSpec tiny;
  static final int BATCH = 2;
  static final double DECAY = 0.7;
  @TempDir Path dir;

  @BeforeAll
  static void spec() throws Exception {
    tiny = NetworkSpec.load(Path.of("graphs/tiny.json"));
  }

  static TrainingSettings settings(double decay) {
    return TrainingSettings.builder(Method.BASELINE).batchSize(BATCH).learningRate(0.05).momentum(0.9)
        .weightDecay(1e-3).mcSamples(2).seed(5).steps(4).interval(4).averageDecay(decay).build();
  }

  static float[] random(Random random, int n, boolean binary) {
    float[] x = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = binary ? (random.nextBoolean() ? 1f : 0f) : (float) random.nextGaussian();
    }
    return x;
  }

  /** The values of the graph's variables called {@code names}, in order. */
  static List<float[]> read(Session session, List<String> names) {
    Session.Runner runner = session.runner();
    names.forEach(runner::fetch);
    List<float[]> values = new ArrayList<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        values.add(Tensors.toArray((TFloat32) result.get(i)));
      }
    }
    return values;
  }

  @Test
  void theAverageFollowsItsRecurrenceAndLeavesTheOptimiserAlone() throws Exception {
    int side = tiny.inputSize();
    Random random = new Random(9);
    int steps = 4;
    List<float[]> images = new ArrayList<>();
    List<float[]> labels = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      images.add(random(random, BATCH * side * side * 3, false));
      labels.add(random(random, BATCH * side * side, true));
    }
    float[] probe = random(random, 3 * side * side * 3, false);
    try (TrainingGraph averaged = new TrainingGraph(tiny, settings(DECAY));
        TrainingGraph plain = new TrainingGraph(tiny, settings(0))) {
      averaged.session().initialize();
      plain.session().initialize();
      List<String> names = new ArrayList<>(averaged.parameters().trainableByName().keySet());
      List<String> raw = names.stream().map(n -> n + Parameters.RAW_SUFFIX).toList();
      assertThat(averaged.parameters().averages()).hasSize(names.size());
      assertThat(plain.parameters().isAveraging()).isFalse();
      // The average starts at the initial weights, which averaging does not change.
      List<float[]> expected = read(averaged.session(), raw);
      assertEqual(read(averaged.session(), names), expected, 0);
      assertEqual(read(plain.session(), names), expected, 0);
      List<String> statistics = averaged.parameters().variableNames().stream()
          .filter(n -> !names.contains(n)).toList();
      List<String> rawStatistics = statistics.stream().map(n -> n + Parameters.RAW_SUFFIX).toList();
      assertThat(statistics).isNotEmpty();
      for (int s = 0; s < steps; s++) {
        averaged.trainStep(images.get(s), labels.get(s), s, 0.05f);
        plain.trainStep(images.get(s), labels.get(s), s, 0.05f);
        List<float[]> weights = read(averaged.session(), raw);
        // The optimiser's weights and statistics are bit-identical to training without an average.
        assertEqual(weights, read(plain.session(), names), 0);
        assertEqual(read(averaged.session(), rawStatistics), read(plain.session(), statistics), 0);
        // The averaged network gathers its own statistics, on the step's batch before the step: after the first
        // step (averages still the initial weights) they are the optimiser's, after that they differ.
        double apart = maxDifference(read(averaged.session(), statistics), read(averaged.session(), rawStatistics));
        if (s == 0) {
          assertThat(apart).isEqualTo(0.0);
        } else {
          assertThat(apart).isGreaterThan(1e-4);
        }
        for (int v = 0; v < expected.size(); v++) {
          float[] a = expected.get(v);
          float[] w = weights.get(v);
          for (int i = 0; i < a.length; i++) {
            a[i] = (float) (a[i] - (1 - DECAY) * (a[i] - w[i]));
          }
        }
      }
      List<float[]> averages = read(averaged.session(), names);
      assertEqual(averages, expected, 1e-6);
      assertThat(maxDifference(averages, read(averaged.session(), raw))).isGreaterThan(1e-3);

      // What validation sees is the averaged network, and a graph without averages that loads the checkpoint by
      // name (as export, calibration and fused ensembles do) computes exactly the same.
      float[] validated = averaged.predict(probe, 3);
      assertThat(maxDifference(List.of(validated), List.of(plain.predict(probe, 3)))).isGreaterThan(1e-4);
      Path checkpoint = dir.resolve("checkpoint");
      Files.createDirectories(checkpoint);
      averaged.session().save(Checkpoints.variables(checkpoint).toString());
      assertThat(readByName(checkpoint, probe, 3)).isEqualTo(validated);
    }
  }

  /** The inference probabilities of a plain network (no averages) restored from {@code checkpoint} by name. */
  static float[] readByName(Path checkpoint, float[] images, int n) throws Exception {
    int side = tiny.inputSize();
    try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
      Operand<TFloat32> probability = new LinkNet(tiny).infer(new Parameters(tf, 0, ""), input,
          LinkNet.batchSize(tf, input)).probability();
      Checkpoints.restore(session, checkpoint);
      try (TFloat32 x = Tensors.of(images, Shape.of(n, side, side, 3));
          Result result = session.runner().feed(input, x).fetch(probability).run()) {
        return Tensors.toArray((TFloat32) result.get(0));
      }
    }
  }

  @Test
  void bothOfAMembersStepsMoveTheAverage() throws Exception {
    int side = tiny.inputSize();
    Random random = new Random(4);
    EnsembleSettings ensemble = EnsembleSettings.paper(1, BATCH).toBuilder().metaWarmup(1).build();
    try (MemberGraph member = new MemberGraph(tiny, settings(DECAY).toBuilder().method(Method.DLEMA).build(),
        ensemble)) {
      member.session().initialize();
      List<String> names = new ArrayList<>(member.parameters().trainableByName().keySet());
      List<String> raw = names.stream().map(n -> n + Parameters.RAW_SUFFIX).toList();
      List<float[]> expected = read(member.session(), raw);
      // Step 0 is the plain step of the meta warm-up, step 1 the meta step: each has its own update ops.
      for (int s = 0; s < 2; s++) {
        float[] x = random(random, BATCH * side * side * 3, false);
        float[] y = random(random, BATCH * side * side, true);
        member.trainStep(new MemberGraph.Batch(x, y, random(random, BATCH * side * side * 3, false),
            random(random, BATCH * side * side, true)), s, 0.05f, s < 1);
        List<float[]> weights = read(member.session(), raw);
        for (int v = 0; v < expected.size(); v++) {
          float[] a = expected.get(v);
          for (int i = 0; i < a.length; i++) {
            a[i] = (float) (a[i] - (1 - DECAY) * (a[i] - weights.get(v)[i]));
          }
        }
        assertEqual(read(member.session(), names), expected, 1e-6);
      }
    }
  }

  static void assertEqual(List<float[]> actual, List<float[]> expected, double tolerance) {
    assertThat(actual).hasSize(expected.size());
    for (int v = 0; v < expected.size(); v++) {
      if (tolerance == 0) {
        assertThat(actual.get(v)).isEqualTo(expected.get(v));
      } else {
        assertThat(maxDifference(List.of(actual.get(v)), List.of(expected.get(v)))).isAtMost(tolerance);
      }
    }
  }

  static double maxDifference(List<float[]> a, List<float[]> b) {
    double max = 0;
    for (int v = 0; v < a.size(); v++) {
      for (int i = 0; i < a.get(v).length; i++) {
        max = Math.max(max, Math.abs(a.get(v)[i] - b.get(v)[i]));
      }
    }
    return max;
  }
}
