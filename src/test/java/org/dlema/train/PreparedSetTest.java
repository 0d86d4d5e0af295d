package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.Random;
import org.dlema.data.augment.AugmentationSettings;
import org.dlema.data.augment.Augmenter;
import org.dlema.data.preprocess.Normalization;
import org.junit.jupiter.api.Test;

class PreparedSetTest {
  private static final int SIDE = 8;
  private static final int PIXELS = SIDE * SIDE;

  @Test
  void perImageMapsFollowEachItemsTransformAndLeaveTheBatchUnchanged() {
    Random random = new Random(11);
    float[][] images = new float[3][PIXELS * 3];
    float[][][] masks = new float[3][2][PIXELS];
    for (int i = 0; i < 3; i++) {
      for (int p = 0; p < PIXELS * 3; p++) {
        images[i][p] = (float) random.nextGaussian();
      }
      for (float[] mask : masks[i]) {
        for (int p = 0; p < PIXELS; p++) {
          mask[p] = random.nextBoolean() ? 1f : 0f;
        }
      }
    }
    PreparedSet set = new PreparedSet(List.of("a", "b", "c"), images, masks, null, SIDE);
    // Each image's map is its first annotation: items of annotation 0 must get back their own label exactly.
    float[][] maps = {masks[0][0], masks[1][0], masks[2][0]};
    int[][] items = {{2, 0}, {0, 0}, {1, 0}, {2, 0}};
    long[] seeds = {5, 6, 7, 8};
    Normalization norm = new Normalization(new double[] {120, 110, 100}, new double[] {50, 60, 70}, 1);
    Augmenter augmenter = new Augmenter(AugmentationSettings.standard(), norm, SIDE);
    for (Augmenter a : new Augmenter[] {null, augmenter}) {
      PreparedSet.Batch plain = set.batch(items, a, seeds, null);
      PreparedSet.Batch withMaps = set.batch(items, a, seeds, maps);
      assertThat(plain.maps()).isNull();
      assertThat(withMaps.images()).isEqualTo(plain.images());
      assertThat(withMaps.labels()).isEqualTo(plain.labels());
      assertThat(withMaps.maps()).isEqualTo(plain.labels());
    }
    // The augmenter did move the masks: the same items' labels differ from the unaugmented copy's.
    assertThat(set.batch(items, augmenter, seeds, null).labels()).isNotEqualTo(set.batch(items, null, seeds, null)
        .labels());
  }
}
