package org.dlema.data.synth;

import static com.google.common.truth.Truth.assertThat;

import java.util.Random;
import org.dlema.data.BinaryMask;
import org.junit.jupiter.api.Test;

class MaskGeometryTest {
  private static BinaryMask randomBlobs(int w, int h, long seed) {
    Random random = new Random(seed);
    BinaryMask mask = new BinaryMask(w, h);
    for (int k = 0; k < 4; k++) {
      MaskGeometry.paintEllipse(mask, random.nextDouble() * w, random.nextDouble() * h, 2 + random.nextDouble() * 8,
          2 + random.nextDouble() * 8, random.nextBoolean() || k == 0);
    }
    return mask;
  }

  /** Brute force: the exact Euclidean distance to the nearest pixel of the given value. */
  private static double bruteDistance(BinaryMask mask, int x, int y, boolean target) {
    double best = Double.POSITIVE_INFINITY;
    for (int yy = 0; yy < mask.height(); yy++) {
      for (int xx = 0; xx < mask.width(); xx++) {
        if (mask.get(xx, yy) == target) {
          best = Math.min(best, Math.hypot(xx - x, yy - y));
        }
      }
    }
    return best;
  }

  @Test
  void signedDistanceIsExactAgainstBruteForce() {
    for (long seed = 0; seed < 5; seed++) {
      BinaryMask mask = randomBlobs(31, 23, seed);
      if (mask.isEmpty() || mask.isFull()) {
        continue;
      }
      float[] signed = MaskGeometry.signedDistance(mask);
      for (int y = 0; y < mask.height(); y++) {
        for (int x = 0; x < mask.width(); x++) {
          double expected = mask.get(x, y)
              ? -(bruteDistance(mask, x, y, false) - 0.5)
              : bruteDistance(mask, x, y, true) - 0.5;
          assertThat((double) signed[y * mask.width() + x]).isWithin(1e-4).of(expected);
        }
      }
    }
  }

  @Test
  void thresholdingTheSignedDistanceDilatesAndErodes() {
    BinaryMask square = new BinaryMask(20, 20);
    for (int y = 5; y < 15; y++) {
      for (int x = 5; x < 15; x++) {
        square.set(x, y, true);
      }
    }
    float[] signed = MaskGeometry.signedDistance(square);
    int identity = 0;
    int dilated = 0;
    int eroded = 0;
    for (float d : signed) {
      identity += d < 0 ? 1 : 0;
      dilated += d < 1 ? 1 : 0;
      eroded += d < -1 ? 1 : 0;
    }
    assertThat(identity).isEqualTo(100);
    // One pixel more on each side: 12x12 minus nothing at the corners (diagonal distance 1.41 - 0.5 < 1).
    assertThat(dilated).isEqualTo(144);
    assertThat(eroded).isEqualTo(64);
  }

  @Test
  void polygonFillCoversPixelCentresInside() {
    BinaryMask square = MaskGeometry.fillPolygon(10, 10, new double[] {2, 6, 6, 2}, new double[] {1, 1, 5, 5});
    assertThat(square.foregroundCount()).isEqualTo(16);
    assertThat(square.get(2, 1)).isTrue();
    assertThat(square.get(6, 1)).isFalse();
  }

  @Test
  void smoothingKeepsLargeShapesAndRemovesSpecks() {
    BinaryMask mask = new BinaryMask(40, 40);
    MaskGeometry.paintEllipse(mask, 20, 20, 10, 10, true);
    mask.set(2, 2, true);
    BinaryMask smooth = MaskGeometry.smooth(mask, 1.5);
    assertThat(smooth.get(2, 2)).isFalse();
    assertThat(smooth.get(20, 20)).isTrue();
    assertThat((double) smooth.foregroundCount()).isWithin(20.0).of(Math.PI * 100);
  }
}
