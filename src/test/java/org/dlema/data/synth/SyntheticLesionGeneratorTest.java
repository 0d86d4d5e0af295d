package org.dlema.data.synth;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.collect.Range;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.dlema.data.BinaryMask;
import org.dlema.data.RgbImage;
import org.dlema.data.synth.SyntheticLesionGenerator.Sample;
import org.junit.jupiter.api.Test;

class SyntheticLesionGeneratorTest {
  private static final int SEEDS = 50;
  private final SyntheticLesionGenerator generator = new SyntheticLesionGenerator(128);

  @Test
  void sameSeedGivesIdenticalSample() {
    Sample a = generator.generate(42);
    Sample b = new SyntheticLesionGenerator(128).generate(42);
    assertThat(b.image().data()).isEqualTo(a.image().data());
    assertThat(b.reference()).isEqualTo(a.reference());
  }

  @Test
  void differentSeedsGiveDifferentImages() {
    Sample a = generator.generate(1);
    Sample b = generator.generate(2);
    assertThat(b.image().data()).isNotEqualTo(a.image().data());
    assertThat(b.reference()).isNotEqualTo(a.reference());
  }

  @Test
  void parallelGenerationMatchesSequential() {
    List<Sample> parallel = LongStream.range(0, 16).parallel().mapToObj(generator::generate)
        .collect(Collectors.toList());
    for (int seed = 0; seed < 16; seed++) {
      Sample sequential = generator.generate(seed);
      assertThat(parallel.get(seed).image().data()).isEqualTo(sequential.image().data());
      assertThat(parallel.get(seed).reference()).isEqualTo(sequential.reference());
    }
  }

  @Test
  void maskIsNeitherEmptyNorFullAndPlausiblySized() {
    double totalFraction = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      BinaryMask mask = generator.generate(seed).reference();
      assertThat(mask.isEmpty()).isFalse();
      assertThat(mask.isFull()).isFalse();
      double fraction = (double) mask.foregroundCount() / mask.size();
      // Equivalent radius 12%..35% of the side, give or take the outline harmonics and satellite lobes.
      assertThat(fraction).isIn(Range.closed(0.03, 0.65));
      totalFraction += fraction;
    }
    assertThat(totalFraction / SEEDS).isIn(Range.closed(0.1, 0.4));
  }

  @Test
  void smallestSizeStillHasAProperMask() {
    SyntheticLesionGenerator small = new SyntheticLesionGenerator(SyntheticLesionSettings.MIN_SIZE);
    for (long seed = 0; seed < 200; seed++) {
      BinaryMask mask = small.generate(seed).reference();
      assertThat(mask.isEmpty()).isFalse();
      assertThat(mask.isFull()).isFalse();
    }
  }

  @Test
  void lesionIsDarkerThanSkin() {
    double insideSum = 0;
    double outsideSum = 0;
    long inside = 0;
    long outside = 0;
    int darkerImages = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      Sample sample = generator.generate(seed);
      double[] in = new double[2];
      double[] out = new double[2];
      RgbImage image = sample.image();
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < image.width(); x++) {
          double[] acc = sample.reference().get(x, y) ? in : out;
          acc[0] += luminance(image, x, y);
          acc[1]++;
        }
      }
      insideSum += in[0];
      inside += (long) in[1];
      outsideSum += out[0];
      outside += (long) out[1];
      if (in[0] / in[1] < out[0] / out[1]) {
        darkerImages++;
      }
    }
    assertThat(insideSum / inside).isLessThan(outsideSum / outside - 30);
    assertThat(darkerImages).isEqualTo(SEEDS);
  }

  @Test
  void hairAndVignettingDoNotChangeTheMask() {
    SyntheticLesionGenerator plain = new SyntheticLesionGenerator(new SyntheticLesionSettings(96, 0, 0));
    SyntheticLesionGenerator busy = new SyntheticLesionGenerator(new SyntheticLesionSettings(96, 1, 1));
    for (long seed = 0; seed < 10; seed++) {
      Sample a = plain.generate(seed);
      Sample b = busy.generate(seed);
      assertThat(b.reference()).isEqualTo(a.reference());
      assertThat(b.image().data()).isNotEqualTo(a.image().data());
    }
  }

  @Test
  void sizesAreHonoured() {
    for (int size : new int[] {64, 128}) {
      Sample sample = new SyntheticLesionGenerator(size).generate(7);
      assertThat(sample.image().width()).isEqualTo(size);
      assertThat(sample.image().height()).isEqualTo(size);
      assertThat(sample.reference().width()).isEqualTo(size);
      assertThat(sample.reference().height()).isEqualTo(size);
    }
  }

  @Test
  void settingsAreValidated() {
    assertThat(SyntheticLesionSettings.defaults(64)).isEqualTo(new SyntheticLesionSettings(64, 0.4, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new SyntheticLesionSettings(8, 0.4, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new SyntheticLesionSettings(64, 1.5, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new SyntheticLesionSettings(64, 0.4, -0.1));
  }

  private static double luminance(RgbImage image, int x, int y) {
    return 0.299 * image.get(x, y, 0) + 0.587 * image.get(x, y, 1) + 0.114 * image.get(x, y, 2);
  }
}
