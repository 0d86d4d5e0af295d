package org.dlema.data.preprocess;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizationTest {
  @TempDir Path dir;

  @Test
  void matchesATwoPassComputationAndIgnoresOrder() throws Exception {
    Random random = new Random(3);
    float[][] images = new float[5][];
    for (int n = 0; n < images.length; n++) {
      images[n] = new float[3 * (10 + n)];
      for (int i = 0; i < images[n].length; i++) {
        images[n][i] = random.nextInt(256);
      }
    }
    // Oracle: plain two-pass mean and population standard deviation per channel.
    double[] mean = new double[3];
    double[] count = new double[3];
    for (float[] image : images) {
      for (int i = 0; i < image.length; i++) {
        mean[i % 3] += image[i];
        count[i % 3]++;
      }
    }
    double[] var = new double[3];
    for (int c = 0; c < 3; c++) {
      mean[c] /= count[c];
    }
    for (float[] image : images) {
      for (int i = 0; i < image.length; i++) {
        var[i % 3] += (image[i] - mean[i % 3]) * (image[i] - mean[i % 3]);
      }
    }
    Normalization.Accumulator forward = new Normalization.Accumulator();
    Normalization.Accumulator backward = new Normalization.Accumulator();
    for (int n = 0; n < images.length; n++) {
      forward.add("img" + n, images[n]);
      backward.add("img" + (images.length - 1 - n), images[images.length - 1 - n]);
    }
    Normalization result = forward.result();
    for (int c = 0; c < 3; c++) {
      assertThat(result.mean()[c]).isWithin(1e-9).of(mean[c]);
      assertThat(result.std()[c]).isWithin(1e-6).of(Math.sqrt(var[c] / count[c]));
    }
    assertThat(backward.result().mean()).isEqualTo(result.mean());
    assertThat(backward.result().std()).isEqualTo(result.std());

    result.save(dir.resolve("normalization.json"));
    Normalization loaded = Normalization.load(dir.resolve("normalization.json"));
    assertThat(loaded.mean()).isEqualTo(result.mean());
    assertThat(loaded.std()).isEqualTo(result.std());

    float[] pixel = {(float) mean[0], (float) (mean[1] + result.std()[1]), 0};
    result.apply(pixel);
    assertThat(pixel[0]).isWithin(1e-4f).of(0f);
    assertThat(pixel[1]).isWithin(1e-4f).of(1f);
  }

  @Test
  void constantChannelsDoNotDivideByZero() {
    Normalization.Accumulator accumulator = new Normalization.Accumulator();
    accumulator.add("a", new float[] {5, 5, 5, 5, 5, 5});
    assertThat(accumulator.result().std()[0]).isEqualTo(Normalization.MIN_STD);
  }
}
