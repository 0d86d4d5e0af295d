package org.dlema.data.preprocess;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dlema.data.BinaryMask;
import org.dlema.data.RgbImage;
import org.junit.jupiter.api.Test;

class CentreCropTest {
  @Test
  void keepsTheCentralPixelsUnchangedWithAnOddMarginsExtraPixelRightAndBelow() {
    // 5 x 4, every pixel's red channel 10 y + x: the 2 x 2 centre starts at (1, 1).
    RgbImage image = RgbImage.blank(5, 4);
    BinaryMask mask = new BinaryMask(5, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        image.set(x, y, 0, 10 * y + x);
        mask.set(x, y, x == 2 && y == 1);
      }
    }
    CentreCrop crop = CentreCrop.of(5, 4, 2);
    assertThat(crop).isEqualTo(new CentreCrop(1, 1, 2));
    RgbImage cut = crop.image(image);
    assertThat(new int[] {cut.get(0, 0, 0), cut.get(1, 0, 0), cut.get(0, 1, 0), cut.get(1, 1, 0)})
        .isEqualTo(new int[] {11, 12, 21, 22});
    BinaryMask cutMask = crop.mask(mask);
    assertThat(cutMask.get(1, 0)).isTrue();
    assertThat(cutMask.foregroundCount()).isEqualTo(1);
  }

  @Test
  void aPictureSmallerThanTheCropIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CentreCrop.of(31, 64, 32));
    assertThat(e).hasMessageThat().isEqualTo("is 31x64, smaller than the 32x32 crop");
  }
}
