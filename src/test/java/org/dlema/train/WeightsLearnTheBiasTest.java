package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlema.data.BinaryMask;
import org.dlema.data.preprocess.Normalization;
import org.dlema.data.preprocess.Resize;
import org.dlema.data.synth.SyntheticLesionGenerator;
import org.dlema.graph.NetworkSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the paper's weights are for: every image has an unbiased annotation (the reference) and one from a grossly
 * biased annotator; the member trusts only the unbiased ones. The learned weights of the biased annotations must
 * be low where they disagree with the reference: at most half the mean weight where they agree. Weights are
 * averaged over the second half of a short training, since one step's map is noisy.
 */
@Tag("slow")
class WeightsLearnTheBiasTest {
  static final int IMAGES = 24;
  static final int SIDE = 32;

  @TempDir Path dir;

  /** The reference plus a large spill into the skin at a corner: the simulator's gross error, made systematic. */
  static float[] spill(BinaryMask reference) {
    float[] out = new float[SIDE * SIDE];
    double r = SIDE * 0.25;
    for (int p = 0; p < out.length; p++) {
      double x = p % SIDE;
      double y = p / SIDE;
      out[p] = reference.get(p) || x * x + y * y < r * r ? 1f : 0f;
    }
    return out;
  }

  /** Mean weight of the biased annotations {disagreeing, agreeing} over the second half of the steps. */
  double[] meanWeights(int steps) throws Exception {
    NetworkSpec tiny = NetworkSpec.load(Path.of("graphs/tiny.json"));
    SyntheticLesionGenerator lesions = new SyntheticLesionGenerator(64);
    List<String> ids = new ArrayList<>();
    float[][] images = new float[IMAGES][];
    float[][][] masks = new float[IMAGES][][];
    Normalization.Accumulator statistics = new Normalization.Accumulator();
    List<List<String>> maskNames = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      SyntheticLesionGenerator.Sample sample = lesions.generate(100 + i);
      ids.add("img" + i);
      images[i] = Resize.image(sample.image(), SIDE, SIDE);
      statistics.add("img" + i, images[i]);
      BinaryMask reference = Resize.mask(sample.reference(), SIDE, SIDE);
      float[] unbiased = new float[SIDE * SIDE];
      for (int p = 0; p < unbiased.length; p++) {
        unbiased[p] = reference.get(p) ? 1f : 0f;
      }
      masks[i] = new float[][] {unbiased, spill(reference)};
      maskNames.add(List.of("img" + i + "_unbiased.png", "img" + i + "_biased.png"));
    }
    Normalization normalization = statistics.result();
    for (float[] image : images) {
      normalization.apply(image);
    }
    PreparedSet train = new PreparedSet(ids, images, masks, null, SIDE);
    int[][] trusted = new int[IMAGES][];
    for (int i = 0; i < IMAGES; i++) {
      trusted[i] = new int[] {i, 0};
    }
    TrainingSettings settings = TrainingSettings.builder(Method.DLEMA).batchSize(4).learningRate(0.03)
        .momentum(0.9).mcSamples(3).seed(17).steps(steps).interval(steps).build();
    EnsembleSettings ensemble = EnsembleSettings.paper(1, 8).toBuilder().weightSamples(0).build();
    double disagree = 0;
    double agree = 0;
    long disagreeCount = 0;
    long agreeCount = 0;
    int pixels = SIDE * SIDE;
    try (MemberMethod method = new MemberMethod(tiny, settings, ensemble, train, trusted, maskNames, dir,
        normalization)) {
      method.session().initialize();
      for (int step = 0; step < steps; step++) {
        TrainingMethod.StepResult result = method.step(step, method.inputs(step), (float) settings.learningRate());
        assertThat(Float.isFinite(result.loss())).isTrue();
        if (step < steps / 2) {
          continue;
        }
        int[][] items = method.lastItems();
        float[] weights = method.lastWeights();
        for (int k = 0; k < items.length; k++) {
          if (items[k][1] != 1) {
            continue;
          }
          float[] biased = masks[items[k][0]][1];
          float[] reference = masks[items[k][0]][0];
          for (int p = 0; p < pixels; p++) {
            // Scaled so that 1 is the weight of a batch in which every pixel counts the same.
            double w = weights[k * pixels + p] * items.length * pixels;
            if (biased[p] != reference[p]) {
              disagree += w;
              disagreeCount++;
            } else {
              agree += w;
              agreeCount++;
            }
          }
        }
      }
    }
    return new double[] {disagree / disagreeCount, agree / agreeCount};
  }

  @Test
  void pixelsOfAGrossErrorGetAtMostHalfTheWeightOfAgreeingOnes() throws Exception {
    double[] spill = meanWeights(800);
    System.out.printf("spill into the skin: mean weight %.3f where the biased annotation disagrees with the "
        + "reference, %.3f where it agrees (ratio %.2f)%n", spill[0], spill[1], spill[0] / spill[1]);
    assertThat(spill[0]).isAtMost(0.5 * spill[1]);
  }
}
