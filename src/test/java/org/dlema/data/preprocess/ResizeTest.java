package org.dlema.data.preprocess;

import static com.google.common.truth.Truth.assertThat;

import org.dlema.data.BinaryMask;
import org.dlema.data.RgbImage;
import org.junit.jupiter.api.Test;

class ResizeTest {
  @Test
  void halvingAveragesTwoByTwoBlocks() {
    RgbImage image = RgbImage.blank(4, 2);
    int[] reds = {0, 10, 20, 30, 40, 50, 60, 70};
    for (int i = 0; i < 8; i++) {
      image.set(i % 4, i / 4, 0, reds[i]);
    }
    float[] out = Resize.image(image, 2, 1);
    assertThat(out).usingExactEquality().containsExactly(25f, 0f, 0f, 45f, 0f, 0f).inOrder();
  }

  @Test
  void nonIntegerShrinkWeighsPartialOverlaps() {
    // 3 -> 2: output 0 covers [0, 1.5): source 0 fully, source 1 half.
    float[] out = Resize.resample(new float[] {0, 3, 6}, 3, 1, 1, 2, 1);
    assertThat(out[0]).isWithin(1e-6f).of((0 + 0.5f * 3) / 1.5f);
    assertThat(out[1]).isWithin(1e-6f).of((0.5f * 3 + 6) / 1.5f);
  }

  @Test
  void enlargingIsBilinearWithHalfPixelCentres() {
    // 2 -> 4: output centres map to -0.25, 0.25, 0.75, 1.25 (clamped to 0 and 1).
    float[] out = Resize.resample(new float[] {0, 8}, 2, 1, 1, 4, 1);
    assertThat(out).usingTolerance(1e-6).containsExactly(0f, 2f, 6f, 8f).inOrder();
  }

  @Test
  void constantImagesStayConstant() {
    RgbImage image = RgbImage.blank(37, 23);
    for (int y = 0; y < 23; y++) {
      for (int x = 0; x < 37; x++) {
        image.set(x, y, 1, 77);
      }
    }
    for (float[] out : new float[][] {Resize.image(image, 16, 16), Resize.image(image, 96, 96)}) {
      for (int i = 1; i < out.length; i += 3) {
        assertThat(out[i]).isWithin(1e-4f).of(77f);
      }
    }
  }

  @Test
  void masksKeepPixelsThatAreAtLeastHalfForeground() {
    BinaryMask mask = new BinaryMask(4, 4);
    // Top-left 2x2 block fully set; top-right block half set; bottom-left block one pixel.
    mask.set(0, 0, true);
    mask.set(1, 0, true);
    mask.set(0, 1, true);
    mask.set(1, 1, true);
    mask.set(2, 0, true);
    mask.set(3, 0, true);
    mask.set(0, 2, true);
    BinaryMask out = Resize.mask(mask, 2, 2);
    assertThat(out.get(0, 0)).isTrue();
    assertThat(out.get(1, 0)).isTrue();
    assertThat(out.get(0, 1)).isFalse();
    assertThat(out.get(1, 1)).isFalse();
    assertThat(Resize.maskFraction(mask, 2, 2)).usingTolerance(1e-6).containsExactly(1f, 0.5f, 0.25f, 0f)
        .inOrder();
  }
}
