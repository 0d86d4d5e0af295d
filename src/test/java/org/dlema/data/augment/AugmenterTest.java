package org.dlema.data.augment;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dlema.data.augment.Augmenter.Augmented;
import org.dlema.data.preprocess.Normalization;
import org.junit.jupiter.api.Test;

class AugmenterTest {
  private static final int SIDE = 64;
  private static final Normalization IDENTITY = new Normalization(new double[3], new double[] {1, 1, 1}, 1);
  private static final Normalization SKIN = new Normalization(new double[] {120, 110, 100},
      new double[] {50, 60, 70}, 1);
  private static final AugmentationSettings GEOMETRY = new AugmentationSettings(true, true, 0.1, 0.05, 0, 0, 0);
  private static final AugmentationSettings DIHEDRAL = new AugmentationSettings(true, true, 0, 0, 0, 0, 0);

  @Test
  void imageAndEveryMaskGetTheSameGeometricTransform() {
    for (int seed = 0; seed < 20; seed++) {
      float[][] masks = {blob(SIDE, seed), blob(SIDE, seed + 100), blob(SIDE, seed + 200)};
      Augmented out = new Augmenter(GEOMETRY, IDENTITY, SIDE).apply(encode(masks), masks, new SplittableRandom(seed));
      for (int c = 0; c < 3; c++) {
        int agree = 0;
        for (int i = 0; i < SIDE * SIDE; i++) {
          if ((out.image()[3 * i + c] >= 127.5f) == (out.masks()[c][i] == 1f)) {
            agree++;
          }
        }
        // Bilinear and nearest neighbour may only disagree on a few boundary pixels.
        assertWithMessage("seed %s mask %s", seed, c).that(agree).isAtLeast((int) Math.ceil(0.99 * SIDE * SIDE));
      }
    }
  }

  @Test
  void flipsAndQuarterTurnsMoveImageAndMasksIdentically() {
    for (int seed = 0; seed < 20; seed++) {
      float[][] masks = {blob(SIDE, seed), blob(SIDE, seed + 100), blob(SIDE, seed + 200)};
      Augmented out = new Augmenter(DIHEDRAL, IDENTITY, SIDE).apply(encode(masks), masks, new SplittableRandom(seed));
      assertThat(out.image()).usingExactEquality().containsExactly(encode(out.masks())).inOrder();
    }
  }

  @Test
  void aMapOfTheTurnedImageGoesBackToTheImagesFrameExactlyAndAZoomedOneDoesNot() {
    int moved = 0;
    for (int seed = 0; seed < 20; seed++) {
      float[] map = new float[SIDE * SIDE];
      for (int i = 0; i < map.length; i++) {
        map[i] = i;
      }
      Augmenter dihedral = new Augmenter(DIHEDRAL, IDENTITY, SIDE);
      float[] turned = dihedral.apply(new float[SIDE * SIDE * 3], new float[][] {map},
          new SplittableRandom(seed)).masks()[0];
      moved += Arrays.equals(turned, map) ? 0 : 1;
      assertThat(dihedral.undo(turned, new SplittableRandom(seed))).isEqualTo(map);
      assertThat(new Augmenter(GEOMETRY, IDENTITY, SIDE).undo(turned, new SplittableRandom(seed))).isNull();
    }
    assertThat(moved).isGreaterThan(10);
  }

  @Test
  void sameSeedGivesBitIdenticalOutputAndOtherSeedsDiffer() {
    Augmenter augmenter = new Augmenter(AugmentationSettings.standard(), SKIN, SIDE);
    float[] image = randomImage(SIDE, SKIN, 0, 255, 1);
    float[][] masks = {blob(SIDE, 1), blob(SIDE, 2)};
    Augmented a = augmenter.apply(image, masks, new SplittableRandom(42));
    Augmented b = augmenter.apply(image, masks, new SplittableRandom(42));
    Augmented c = augmenter.apply(image, masks, new SplittableRandom(43));
    assertThat(Arrays.equals(a.image(), b.image())).isTrue();
    assertThat(Arrays.deepEquals(a.masks(), b.masks())).isTrue();
    assertThat(Arrays.equals(a.image(), c.image())).isFalse();
  }

  @Test
  void everySettingTakesTheSameNumberOfRandomDraws() {
    float[] image = randomImage(8, SKIN, 0, 255, 1);
    float[][] masks = {blob(8, 1)};
    AugmentationSettings[] all = {AugmentationSettings.none(), AugmentationSettings.standard(), GEOMETRY, DIHEDRAL};
    SplittableRandom reference = new SplittableRandom(7);
    for (int k = 0; k < Augmenter.DRAWS; k++) {
      reference.nextLong();
    }
    long next = reference.nextLong();
    for (AugmentationSettings settings : all) {
      SplittableRandom random = new SplittableRandom(7);
      new Augmenter(settings, SKIN, 8).apply(image, masks, random);
      assertWithMessage("%s", settings).that(random.nextLong()).isEqualTo(next);
    }
  }

  @Test
  void noneReturnsEqualCopies() {
    float[] image = randomImage(SIDE, SKIN, 0, 255, 3);
    float[][] masks = {blob(SIDE, 3), blob(SIDE, 4)};
    Augmented out = new Augmenter(AugmentationSettings.none(), SKIN, SIDE).apply(image, masks, new SplittableRandom(5));
    assertThat(out.image()).isNotSameInstanceAs(image);
    assertThat(Arrays.equals(out.image(), image)).isTrue();
    for (int m = 0; m < masks.length; m++) {
      assertThat(out.masks()[m]).isNotSameInstanceAs(masks[m]);
      assertThat(Arrays.equals(out.masks()[m], masks[m])).isTrue();
    }
  }

  @Test
  void dihedralOutcomesMatchAPlainLoopReference() {
    int side = 5;
    float[] image = new float[side * side * 3];
    for (int i = 0; i < image.length; i++) {
      image[i] = i; // every value distinct, so the eight outcomes are distinct
    }
    float[] mask = new float[side * side];
    for (int i : new int[] {0, 1, 2, 6, 13, 19}) {
      mask[i] = 1;
    }
    float[][] imageOutcomes = new float[8][];
    float[][] maskOutcomes = new float[8][];
    for (int k = 0; k < 8; k++) {
      imageOutcomes[k] = referenceDihedral(image, side, 3, k);
      maskOutcomes[k] = referenceDihedral(mask, side, 1, k);
    }
    boolean[] seen = new boolean[8];
    Augmenter augmenter = new Augmenter(DIHEDRAL, IDENTITY, side);
    for (int seed = 0; seed < 200; seed++) {
      Augmented out = augmenter.apply(image, new float[][] {mask}, new SplittableRandom(seed));
      int match = -1;
      for (int k = 0; k < 8; k++) {
        if (Arrays.equals(out.image(), imageOutcomes[k])) {
          match = k;
        }
      }
      assertWithMessage("seed %s is no dihedral image of the input", seed).that(match).isAtLeast(0);
      assertThat(out.masks()[0]).usingExactEquality().containsExactly(maskOutcomes[match]).inOrder();
      seen[match] = true;
    }
    assertThat(seen).asList().doesNotContain(false);
  }

  @Test
  void brightnessShiftsEveryRawChannelEqually() {
    AugmentationSettings settings = new AugmentationSettings(false, false, 0, 0, 0.1, 0, 0);
    float[] image = randomImage(16, SKIN, 60, 190, 9); // 25.5 from either end, so nothing clamps
    boolean changed = false;
    for (int seed = 0; seed < 10; seed++) {
      float[] out = new Augmenter(settings, SKIN, 16).apply(image, new float[0][], new SplittableRandom(seed)).image();
      double[] before = raw(image, SKIN);
      double[] after = raw(out, SKIN);
      double delta = after[0] - before[0];
      for (int i = 0; i < before.length; i++) {
        assertThat(after[i] - before[i]).isWithin(1e-3).of(delta);
      }
      changed |= Math.abs(delta) > 1;
    }
    assertThat(changed).isTrue();
  }

  @Test
  void contrastKeepsTheGreyMean() {
    AugmentationSettings settings = new AugmentationSettings(false, false, 0, 0, 0, 0.1, 0);
    float[] image = randomImage(16, SKIN, 60, 190, 10);
    float[] out = new Augmenter(settings, SKIN, 16).apply(image, new float[0][], new SplittableRandom(1)).image();
    assertThat(Arrays.stream(raw(out, SKIN)).average().getAsDouble())
        .isWithin(1e-3).of(Arrays.stream(raw(image, SKIN)).average().getAsDouble());
  }

  @Test
  void hueRotationKeepsGreyGreyAndEachPixelsChannelMean() {
    AugmentationSettings settings = new AugmentationSettings(false, false, 0, 0, 0, 0, 0.25);
    int side = 16;
    float[] image = randomImage(side, SKIN, 90, 160, 11);
    for (int c = 0; c < 3; c++) {
      image[c] = (float) ((128 - SKIN.mean()[c]) / SKIN.std()[c]); // pixel 0 is grey
    }
    double maxChange = 0;
    for (int seed = 0; seed < 10; seed++) {
      float[] out = new Augmenter(settings, SKIN, side).apply(image, new float[0][], new SplittableRandom(seed))
          .image();
      double[] before = raw(image, SKIN);
      double[] after = raw(out, SKIN);
      for (int c = 0; c < 3; c++) {
        assertThat(after[c]).isWithin(1e-3).of(128);
      }
      for (int p = 0; p < before.length; p += 3) {
        assertThat(after[p] + after[p + 1] + after[p + 2]).isWithin(3e-3).of(before[p] + before[p + 1] + before[p + 2]);
        for (int c = 0; c < 3; c++) {
          maxChange = Math.max(maxChange, Math.abs(after[p + c] - before[p + c]));
        }
      }
    }
    assertThat(maxChange).isGreaterThan(1);
  }

  @Test
  void inputsAreNeverModified() {
    float[] image = randomImage(SIDE, SKIN, 0, 255, 12);
    float[][] masks = {blob(SIDE, 12), blob(SIDE, 13)};
    float[] imageCopy = image.clone();
    float[][] maskCopies = {masks[0].clone(), masks[1].clone()};
    Augmenter augmenter = new Augmenter(AugmentationSettings.standard(), SKIN, SIDE);
    for (int seed = 0; seed < 5; seed++) {
      augmenter.apply(image, masks, new SplittableRandom(seed));
    }
    assertThat(Arrays.equals(image, imageCopy)).isTrue();
    assertThat(Arrays.deepEquals(masks, maskCopies)).isTrue();
  }

  @Test
  void masksStayExactlyBinary() {
    Augmenter augmenter = new Augmenter(AugmentationSettings.standard(), SKIN, SIDE);
    float[] image = randomImage(SIDE, SKIN, 0, 255, 14);
    for (int seed = 0; seed < 20; seed++) {
      Augmented out = augmenter.apply(image, new float[][] {blob(SIDE, seed), blob(SIDE, seed + 1)},
          new SplittableRandom(seed));
      for (float[] mask : out.masks()) {
        for (float v : mask) {
          assertThat(v == 0f || v == 1f).isTrue();
        }
      }
    }
  }

  /** A union of random discs, touching the border now and then. */
  private static float[] blob(int side, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] mask = new float[side * side];
    for (int d = 0; d < 3; d++) {
      double cx = random.nextDouble(side);
      double cy = random.nextDouble(side);
      double r = side * (0.1 + 0.15 * random.nextDouble());
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
            mask[y * side + x] = 1;
          }
        }
      }
    }
    return mask;
  }

  /** Three masks as the three channels of an image, raw = 255 * mask. */
  private static float[] encode(float[][] masks) {
    float[] image = new float[masks[0].length * 3];
    for (int i = 0; i < masks[0].length; i++) {
      for (int c = 0; c < 3; c++) {
        image[3 * i + c] = 255 * masks[c][i];
      }
    }
    return image;
  }

  private static float[] randomImage(int side, Normalization n, int low, int high, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] image = new float[side * side * 3];
    for (int i = 0; i < image.length; i++) {
      image[i] = random.nextInt(low, high + 1);
    }
    n.apply(image);
    return image;
  }

  private static double[] raw(float[] hwc, Normalization n) {
    double[] raw = new double[hwc.length];
    for (int i = 0; i < hwc.length; i++) {
      raw[i] = hwc[i] * n.std()[i % 3] + n.mean()[i % 3];
    }
    return raw;
  }

  /** Element {@code k} of the dihedral group: mirror left-right when {@code k >= 4}, then {@code k % 4} turns. */
  private static float[] referenceDihedral(float[] in, int side, int channels, int k) {
    float[] out = k >= 4 ? mirror(in, side, channels) : in.clone();
    for (int t = 0; t < k % 4; t++) {
      out = turn(out, side, channels);
    }
    return out;
  }

  private static float[] mirror(float[] in, int side, int channels) {
    float[] out = new float[in.length];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        for (int c = 0; c < channels; c++) {
          out[(y * side + x) * channels + c] = in[(y * side + side - 1 - x) * channels + c];
        }
      }
    }
    return out;
  }

  private static float[] turn(float[] in, int side, int channels) {
    float[] out = new float[in.length];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        for (int c = 0; c < channels; c++) {
          out[(y * side + x) * channels + c] = in[(x * side + side - 1 - y) * channels + c];
        }
      }
    }
    return out;
  }
}
