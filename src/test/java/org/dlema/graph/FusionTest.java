package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class FusionTest {
  static final int M = 3;
  static final int B = 2;
  static final int H = 3;
  static final int W = 4;
  static final int PIXELS = H * W;

  private static Map<FusionRule, float[][]> run(float[][] logits, float[][] logVariances) {
    return run(logits, logVariances, new double[] {1, 1, 1});
  }

  /** Graph outputs of every rule for fixed member maps: [rule][output][values]. */
  private static Map<FusionRule, float[][]> run(float[][] logits, float[][] logVariances, double[] temperatures) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      List<NetworkOutputs> outputs = new ArrayList<>();
      List<Placeholder<TFloat32>> feeds = new ArrayList<>();
      for (int i = 0; i < M; i++) {
        Placeholder<TFloat32> f = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(B, H, W, 1)));
        Placeholder<TFloat32> s = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(B, H, W, 1)));
        feeds.add(f);
        feeds.add(s);
        outputs.add(new NetworkOutputs(f, s, null));
      }
      Fusion fusion = new Fusion(tf, outputs, temperatures);
      Map<FusionRule, float[][]> result = new EnumMap<>(FusionRule.class);
      List<TFloat32> tensors = new ArrayList<>();
      try {
        for (int i = 0; i < M; i++) {
          tensors.add(Tensors.of(logits[i], Shape.of(B, H, W, 1)));
          tensors.add(Tensors.of(logVariances[i], Shape.of(B, H, W, 1)));
        }
        for (FusionRule rule : FusionRule.values()) {
          Fusion.Fused fused = fusion.fuse(rule);
          Session.Runner runner = session.runner();
          for (int k = 0; k < feeds.size(); k++) {
            runner.feed(feeds.get(k), tensors.get(k));
          }
          try (Result r = runner.fetch(fused.alphas()).fetch(fused.probability()).fetch(fused.aleatoric())
              .fetch(fused.epistemic()).fetch(fused.memberProbabilities()).run()) {
            float[][] values = new float[5][];
            for (int k = 0; k < 5; k++) {
              values[k] = Tensors.toArray((TFloat32) r.get(k));
            }
            result.put(rule, values);
          }
        }
      } finally {
        tensors.forEach(TFloat32::close);
      }
      return result;
    }
  }

  /** Plain-Java alphas in double precision, straight from the paper's definitions: [member][b*pixels]. */
  private static double[][] referenceAlphas(FusionRule rule, float[][] logVariances) {
    double[][] alphas = new double[M][B * PIXELS];
    for (int b = 0; b < B; b++) {
      double[] imageMean = new double[M];
      for (int i = 0; i < M; i++) {
        for (int q = 0; q < PIXELS; q++) {
          imageMean[i] += Math.exp(logVariances[i][b * PIXELS + q]) / PIXELS;
        }
      }
      for (int q = b * PIXELS; q < (b + 1) * PIXELS; q++) {
        double total = 0;
        double[] raw = new double[M];
        for (int i = 0; i < M; i++) {
          raw[i] = switch (rule) {
            case UNIFORM -> 1;
            case PIXEL_CONFIDENCE -> 1 / Math.exp(logVariances[i][q]);
            case IMAGE_CONFIDENCE -> 1 / imageMean[i];
          };
          total += raw[i];
        }
        for (int i = 0; i < M; i++) {
          alphas[i][q] = raw[i] / total;
        }
      }
    }
    return alphas;
  }

  private static float[][] random(Random random, double scale) {
    float[][] maps = new float[M][B * PIXELS];
    for (float[] map : maps) {
      for (int q = 0; q < map.length; q++) {
        map[q] = (float) (random.nextGaussian() * scale);
      }
    }
    return maps;
  }

  @Test
  void everyRuleMatchesThePlainJavaReference() {
    matchesThePlainJavaReference(new double[] {1, 1, 1});
  }

  @Test
  void temperaturesDivideEachMembersLogitAndLeaveTheVariancesAlone() {
    matchesThePlainJavaReference(new double[] {2.5, 0.5, 1.7});
  }

  private static void matchesThePlainJavaReference(double[] temperatures) {
    Random random = new Random(11);
    float[][] logits = random(random, 2);
    float[][] logVariances = random(random, 1.5);
    Map<FusionRule, float[][]> graph = run(logits, logVariances, temperatures);
    for (FusionRule rule : FusionRule.values()) {
      double[][] alphas = referenceAlphas(rule, logVariances);
      float[][] out = graph.get(rule);
      for (int q = 0; q < B * PIXELS; q++) {
        double probability = 0;
        double aleatoric = 0;
        double mean = 0;
        double alphaSum = 0;
        double[] p = new double[M];
        for (int i = 0; i < M; i++) {
          p[i] = 1 / (1 + Math.exp(-logits[i][q] / temperatures[i]));
          probability += alphas[i][q] * p[i];
          aleatoric += alphas[i][q] * Math.exp(logVariances[i][q]);
          mean += p[i] / M;
          alphaSum += out[0][q * M + i];
          assertThat((double) out[0][q * M + i]).isWithin(1e-6).of(alphas[i][q]);
          assertThat((double) out[4][q * M + i]).isWithin(1e-6).of(p[i]);
        }
        double epistemic = 0;
        for (int i = 0; i < M; i++) {
          epistemic += (p[i] - mean) * (p[i] - mean) / M;
        }
        assertThat(alphaSum).isWithin(1e-6).of(1.0);
        assertThat((double) out[1][q]).isWithin(1e-6).of(probability);
        assertThat((double) out[2][q]).isWithin(1e-5 * aleatoric).of(aleatoric);
        assertThat((double) out[3][q]).isWithin(1e-6).of(epistemic);
      }
    }
  }

  @Test
  void confidenceRulesIgnoreAMemberWithHugeUncertainty() {
    Random random = new Random(12);
    float[][] logits = random(random, 2);
    float[][] logVariances = random(random, 0.3);
    // Member 2 is sure of nothing: variance e^25 (about 7e10) everywhere.
    for (int q = 0; q < B * PIXELS; q++) {
      logVariances[1][q] = 25f;
      logits[1][q] = 9f;
    }
    Map<FusionRule, float[][]> graph = run(logits, logVariances);
    for (FusionRule rule : List.of(FusionRule.PIXEL_CONFIDENCE, FusionRule.IMAGE_CONFIDENCE)) {
      float[][] out = graph.get(rule);
      for (int q = 0; q < B * PIXELS; q++) {
        assertThat(out[0][q * M + 1]).isLessThan(1e-9f);
        // The fused probability is then a mix of members 1 and 3 only.
        double p0 = 1 / (1 + Math.exp(-logits[0][q]));
        double p2 = 1 / (1 + Math.exp(-logits[2][q]));
        assertThat((double) out[1][q]).isAtLeast(Math.min(p0, p2) - 1e-6);
        assertThat((double) out[1][q]).isAtMost(Math.max(p0, p2) + 1e-6);
      }
    }
    // Under the uniform rule the unsure member still counts for a third.
    assertThat((double) graph.get(FusionRule.UNIFORM)[0][1]).isWithin(1e-7).of(1.0 / 3);

    // Past float32's range (exp(100) is infinite) the confidence rules still give finite, exact answers.
    for (int q = 0; q < B * PIXELS; q++) {
      logVariances[1][q] = 100f;
    }
    Map<FusionRule, float[][]> extreme = run(logits, logVariances);
    for (FusionRule rule : List.of(FusionRule.PIXEL_CONFIDENCE, FusionRule.IMAGE_CONFIDENCE)) {
      double[][] alphas = referenceAlphas(rule, logVariances);
      float[][] out = extreme.get(rule);
      for (int q = 0; q < B * PIXELS; q++) {
        // In double, exp(100) is finite: the unsure member's alpha * variance tends to 1 / sum_j (1/v_j), not 0.
        double aleatoric = 0;
        for (int i = 0; i < M; i++) {
          aleatoric += alphas[i][q] * Math.exp(logVariances[i][q]);
        }
        assertThat(out[0][q * M + 1]).isEqualTo(0f);
        assertThat(Float.isFinite(out[1][q])).isTrue();
        assertThat((double) out[2][q]).isWithin(1e-5 * aleatoric).of(aleatoric);
      }
    }
  }

  @Test
  void rulesParseFromTheirSignatureNames() {
    for (FusionRule rule : FusionRule.values()) {
      assertThat(FusionRule.parse(rule.signature())).isEqualTo(rule);
    }
    assertThat(FusionRule.parse("pixel-confidence")).isEqualTo(FusionRule.PIXEL_CONFIDENCE);
  }
}
