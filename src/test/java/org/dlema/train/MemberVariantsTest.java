package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dlema.data.augment.AugmentationSettings;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;
import org.dlema.train.EnsembleSettings.CleanSource;
import org.dlema.train.EnsembleSettings.WeightNormalization;
import org.dlema.train.EnsembleSettings.Weighting;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The D-LEMA variants beyond the paper, each against an independent oracle: the plain training step of
 * {@link TrainingGraph} (same initial weights, same Monte Carlo noise) where a variant must reduce to it, and the
 * definition of the weights or batches otherwise.
 */
@Tag("slow")
class MemberVariantsTest {
  static final int B = MemberGraphTest.NOISY;
  static final int C = MemberGraphTest.CLEAN;
  static final int PIXELS = MemberGraphTest.PIXELS;
  static NetworkSpec tiny;

  @TempDir Path dir;

  @BeforeAll
  static void spec() throws Exception {
    MemberGraphTest.spec();
    tiny = MemberGraphTest.tiny;
  }

  static final TrainingSettings SETTINGS = MemberGraphTest.SETTINGS;

  static EnsembleSettings variant(Weighting w, WeightNormalization n, double share, int warmup) {
    return EnsembleSettings.paper(1, C).toBuilder().weighting(w).weightNormalization(n).plainShare(share)
        .metaWarmup(warmup).build();
  }

  /** Inference of a fixed probe batch after one step of {@code graph} on the shared batch. */
  private static float[] afterOneStep(NetworkGraph graph, float[] x, float[] y, float[] cx, float[] cy,
      boolean meta) {
    graph.session().initialize();
    if (graph instanceof MemberGraph member) {
      member.trainStep(new MemberGraph.Batch(x, y, cx, cy), 5, MemberGraphTest.RATE, meta);
    } else {
      ((TrainingGraph) graph).trainStep(x, y, 5, MemberGraphTest.RATE);
    }
    return graph.predict(x, B);
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    assertThat(worst).isLessThan(1e-5);
  }

  /** A noisy and a clean batch drawn from {@code random}. */
  private record Batches(float[] x, float[] y, float[] cx, float[] cy) {
    static Batches draw(Random random) {
      return new Batches(MemberGraphTest.images(random, B), MemberGraphTest.labels(random, B),
          MemberGraphTest.images(random, C), MemberGraphTest.labels(random, C));
    }
  }

  /** The weights of the first step of a fresh member (the same initial weights for every variant). */
  private static float[] firstWeights(EnsembleSettings ensemble, Batches b, float[] disputed) {
    try (MemberGraph graph = new MemberGraph(tiny, SETTINGS, ensemble)) {
      graph.session().initialize();
      return graph.trainStep(new MemberGraph.Batch(b.x(), b.y(), b.cx(), b.cy(), disputed), 5, MemberGraphTest.RATE,
          true).weights();
    }
  }

  @Test
  void uniformWeightsAPlainShareOfOneAndTheWarmUpAreEachThePlainStep() {
    Random random = new Random(3);
    float[] x = MemberGraphTest.images(random, B);
    float[] y = MemberGraphTest.labels(random, B);
    float[] cx = MemberGraphTest.images(random, C);
    float[] cy = MemberGraphTest.labels(random, C);
    float[] plain;
    try (TrainingGraph graph = new TrainingGraph(tiny, SETTINGS)) {
      plain = afterOneStep(graph, x, y, cx, cy, true);
    }
    try (MemberGraph uniform = new MemberGraph(tiny, SETTINGS, variant(Weighting.UNIFORM,
        WeightNormalization.BATCH, 0, 0))) {
      uniform.session().initialize();
      MemberGraph.Step step = uniform.trainStep(new MemberGraph.Batch(x, y, cx, cy), 5, MemberGraphTest.RATE);
      for (float w : step.weights()) {
        assertThat(w).isEqualTo(1f / (B * PIXELS));
      }
      assertClose(uniform.predict(x, B), plain);
    }
    try (MemberGraph share = new MemberGraph(tiny, SETTINGS, variant(Weighting.META, WeightNormalization.BATCH,
        1, 0))) {
      assertClose(afterOneStep(share, x, y, cx, cy, true), plain);
    }
    try (MemberGraph warm = new MemberGraph(tiny, SETTINGS, variant(Weighting.META, WeightNormalization.BATCH,
        0, 3))) {
      assertClose(afterOneStep(warm, x, y, cx, cy, false), plain);
      // After the warm-up the meta step runs: its weights are not uniform.
      MemberGraph.Step meta = warm.trainStep(new MemberGraph.Batch(x, y, cx, cy), 6, MemberGraphTest.RATE, true);
      float first = meta.weights()[0];
      boolean varies = false;
      for (float w : meta.weights()) {
        varies |= w != first;
      }
      assertThat(varies).isTrue();
    }
  }

  @Test
  void perImageNormalisationGivesEveryImageAQuarterOfTheWeight() {
    Random random = new Random(4);
    try (MemberGraph graph = new MemberGraph(tiny, SETTINGS, variant(Weighting.META, WeightNormalization.IMAGE,
        0, 0))) {
      graph.session().initialize();
      MemberGraph.Step step = graph.trainStep(new MemberGraph.Batch(MemberGraphTest.images(random, B),
          MemberGraphTest.labels(random, B), MemberGraphTest.images(random, C), MemberGraphTest.labels(random, C)), 1,
          MemberGraphTest.RATE);
      for (int b = 0; b < B; b++) {
        double sum = 0;
        for (int p = 0; p < PIXELS; p++) {
          sum += step.weights()[b * PIXELS + p];
        }
        // 1/B for an image with any positive weight, 0 for one whose meta-gradient is nowhere negative.
        assertThat(sum == 0 || Math.abs(sum - 1.0 / B) < 1e-5).isTrue();
      }
    }
  }

  @Test
  void signWeightingSpreadsTheWeightEvenlyOverThePixelsTheMetaGradientSelects() {
    Batches b = Batches.draw(new Random(7));
    float[] meta = firstWeights(variant(Weighting.META, WeightNormalization.BATCH, 0, 0), b, null);
    float[] sign = firstWeights(variant(Weighting.SIGN, WeightNormalization.BATCH, 0, 0), b, null);
    // The oracle: the paper's weights from the same initial weights and batches say which pixels are selected.
    int selected = 0;
    for (float w : meta) {
      selected += w > 0 ? 1 : 0;
    }
    assertThat(selected).isGreaterThan(0);
    assertThat(selected).isLessThan(meta.length);
    for (int i = 0; i < meta.length; i++) {
      assertThat(sign[i]).isEqualTo(meta[i] > 0 ? 1f / selected : 0f);
    }
  }

  @Test
  void disputedRegionKeepsThePlainWeightOutsideAndSharesItInsideByTheLearnedWeights() {
    Random random = new Random(8);
    Batches b = Batches.draw(random);
    float[] region = new float[B * PIXELS];
    for (int i = 0; i < region.length; i++) {
      region[i] = random.nextInt(3) == 0 ? 1f : 0f;
    }
    float[] meta = firstWeights(variant(Weighting.META, WeightNormalization.BATCH, 0, 0), b, null);
    EnsembleSettings disputed = variant(Weighting.META, WeightNormalization.BATCH, 0, 0)
        .toBuilder().weightRegion(EnsembleSettings.WeightRegion.DISPUTED).build();
    float[] restricted = firstWeights(disputed, b, region);
    float[] everywhere = firstWeights(disputed, b, null);
    // The oracle: the paper's weights of the same initial network and batches, renormalised over the region.
    double learnedInRegion = 0;
    int inRegion = 0;
    for (int i = 0; i < meta.length; i++) {
      learnedInRegion += region[i] * meta[i];
      inRegion += (int) region[i];
    }
    assertThat(learnedInRegion).isGreaterThan(0.0);
    double uniform = 1.0 / (B * PIXELS);
    double total = 0;
    for (int i = 0; i < meta.length; i++) {
      double expected = region[i] == 0 ? uniform : meta[i] / learnedInRegion * inRegion * uniform;
      assertThat((double) restricted[i]).isWithin(1e-4 * uniform + 1e-4 * expected).of(expected);
      total += restricted[i];
      // Every pixel disputed: the paper's weights.
      assertThat((double) everywhere[i]).isWithin(1e-6 * uniform + 1e-5 * meta[i]).of(meta[i]);
    }
    assertThat(total).isWithin(1e-4).of(1.0);
  }

  @Test
  void theDisputedMapMarksWhereAnImagesAnnotationsDisagreeAndFollowsTheNoisyBatch() throws Exception {
    float[][] a = {{0, 1, 1, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}};
    PreparedSet set = new PreparedSet(List.of("x"), new float[][] {new float[12]}, new float[][][] {a}, null, 2);
    assertThat(MemberMethod.disputedPixels(set)[0]).isEqualTo(new float[] {1, 0, 1, 0});
    EnsembleSettings disputed = EnsembleSettings.paper(1, C).toBuilder()
        .weightRegion(EnsembleSettings.WeightRegion.DISPUTED).build();
    try (MemberMethod method = method(disputed)) {
      PreparedSet train = method.trainSet();
      for (long step = 0; step < 3; step++) {
        MemberMethod.Inputs inputs = method.inputs(step);
        for (int k = 0; k < B; k++) {
          float[][] masks = train.masks()[inputs.noisyItems()[k][0]];
          for (int p = 0; p < PIXELS; p++) {
            float expected = (masks[0][p] > 0.5f) != (masks[1][p] > 0.5f) ? 1f : 0f;
            assertThat(inputs.disputed()[k * PIXELS + p]).isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void underFlipsAndQuarterTurnsTheKeptWeightMapsAreInTheImagesOwnFrame() throws Exception {
    EnsembleSettings disputed = EnsembleSettings.paper(1, C).toBuilder()
        .weightRegion(EnsembleSettings.WeightRegion.DISPUTED).build();
    TrainingSettings flipped = SETTINGS.toBuilder().augmentation(AugmentationSettings.dihedral()).build();
    Path run = dir.resolve("flipped");
    float[][] region;
    try (MemberMethod method = method(disputed, flipped, run)) {
      method.initialize();
      region = MemberMethod.disputedPixels(method.trainSet());
      for (long step = 0; step < 4; step++) {
        method.step(step, method.inputs(step), MemberGraphTest.RATE);
      }
      method.saveExtras(run);
    }
    // The oracle: outside the image's own disputed pixels every weight is the mean loss's (1 on this scale); a map
    // left in the flipped or turned frame would have its learned weights outside them.
    List<WeightMaps.Entry> entries = WeightMaps.index(run).maps();
    assertThat(entries).isNotEmpty();
    int learned = 0;
    for (WeightMaps.Entry e : entries) {
      float[] map = WeightMaps.read(run.resolve(WeightMaps.FOLDER).resolve(e.file()), tiny.inputSize());
      float[] own = region[Integer.parseInt(e.image().substring(3))];
      for (int p = 0; p < map.length; p++) {
        if (own[p] == 0) {
          assertWithMessage("%s pixel %s", e.image(), p).that((double) map[p]).isWithin(1e-4).of(1.0);
        } else if (Math.abs(map[p] - 1) > 1e-3) {
          learned++;
        }
      }
    }
    assertThat(learned).isGreaterThan(0);
  }

  /** Four images with two annotations each; member 1 trusts annotation 0 of images 0 and 2 only. */
  private MemberMethod method(EnsembleSettings ensemble) throws Exception {
    return method(ensemble, SETTINGS, dir);
  }

  private MemberMethod method(EnsembleSettings ensemble, TrainingSettings settings, Path run) throws Exception {
    Random random = new Random(5);
    int side = tiny.inputSize();
    List<String> ids = new ArrayList<>();
    float[][] images = new float[4][];
    float[][][] masks = new float[4][][];
    List<List<String>> names = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add("img" + i);
      images[i] = MemberGraphTest.images(random, 1);
      masks[i] = new float[][] {MemberGraphTest.labels(random, 1), MemberGraphTest.labels(random, 1)};
      names.add(List.of("a" + i + ".png", "b" + i + ".png"));
    }
    PreparedSet train = new PreparedSet(ids, images, masks, null, side);
    Normalization identity = new Normalization(new double[3], new double[] {1, 1, 1}, 1);
    return new MemberMethod(tiny, settings, ensemble, train, new int[][] {{0, 0}, {2, 0}}, names, run, identity);
  }

  @Test
  void noisyFirstPutsTheNoisyImagesTrustedAnnotationsAtTheHeadOfTheCleanBatch() throws Exception {
    EnsembleSettings ensemble = EnsembleSettings.paper(1, C).toBuilder()
        .cleanSource(CleanSource.NOISY_FIRST).build();
    int compared = 0;
    try (MemberMethod method = method(ensemble)) {
      for (long step = 0; step < 6; step++) {
        MemberMethod.Inputs inputs = method.inputs(step);
        List<Integer> trustedInNoisy = new ArrayList<>();
        for (int[] item : inputs.noisyItems()) {
          if (item[0] == 0 || item[0] == 2) {
            trustedInNoisy.add(item[0]);
          }
        }
        int head = Math.min(C, trustedInNoisy.size());
        for (int k = 0; k < head; k++) {
          float[] expected = method.trainSet().masks()[trustedInNoisy.get(k)][0];
          for (int p = 0; p < PIXELS; p++) {
            assertThat(inputs.clean().labels()[k * PIXELS + p]).isEqualTo(expected[p]);
          }
          compared++;
        }
      }
    }
    // The trusted images did come up in the noisy batches (else the loop above checked nothing).
    assertThat(compared).isGreaterThan(0);
  }

  @Test
  void membersStartFromTheInitialCheckpoint() throws Exception {
    Random random = new Random(6);
    float[] x = MemberGraphTest.images(random, B);
    Path checkpoint;
    float[] source;
    TrainingSettings other = SETTINGS.withSeed(99);
    try (TrainingGraph graph = new TrainingGraph(tiny, other)) {
      graph.session().initialize();
      graph.trainStep(x, MemberGraphTest.labels(random, B), 0, MemberGraphTest.RATE);
      Checkpoints checkpoints = new Checkpoints(dir.resolve("source"));
      checkpoints.save(CheckpointKind.BEST, graph.session(), Checkpoints.State.of(1, 0.5, 0.5, 1));
      checkpoint = checkpoints.folder(CheckpointKind.BEST);
      source = graph.predict(x, B);
    }
    EnsembleSettings ensemble = EnsembleSettings.paper(1, C).toBuilder()
        .initialCheckpoint(checkpoint).build();
    try (MemberMethod method = method(ensemble)) {
      method.initialize();
      assertThat(method.predict(x, B)).isEqualTo(source);
    }
    try (MemberMethod fresh = method(EnsembleSettings.paper(1, C))) {
      fresh.initialize();
      assertThat(fresh.predict(x, B)).isNotEqualTo(source);
    }
  }
}
