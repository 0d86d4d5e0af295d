package org.dlema.eval;

import static com.google.common.truth.Truth.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.dlema.data.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionPicturesTest {
  @TempDir Path dir;

  private BufferedImage aleatoric(String id, float[] values) throws Exception {
    RgbImage image = new RgbImage(values.length, 1, new byte[3 * values.length]);
    float[] zeros = new float[values.length];
    PredictionPictures.write(id, image, zeros, zeros, values, null, dir);
    return ImageIO.read(dir.resolve(id + "_aleatoric.png").toFile());
  }

  @Test
  void aValueHasOneColourInEveryImageAndValuesAboveTheTopAreClamped() throws Exception {
    BufferedImage small = aleatoric("small", new float[] {1, 2});
    BufferedImage large = aleatoric("large", new float[] {1, 40});
    // Scaled to each image's own maximum, 1 would be mid-scale in one image and dark in the other.
    assertThat(small.getRGB(0, 0)).isEqualTo(large.getRGB(0, 0));
    BufferedImage top = aleatoric("top", new float[] {(float) PredictionPictures.ALEATORIC_TOP, 400});
    assertThat(top.getRGB(1, 0)).isEqualTo(top.getRGB(0, 0));
    assertThat(large.getRGB(1, 0)).isEqualTo(top.getRGB(0, 0));
    assertThat(small.getRGB(1, 0)).isNotEqualTo(top.getRGB(0, 0));
  }

  @Test
  void aColourBarRunsFromTheScalesBottomToItsTop() throws Exception {
    BufferedImage bar;
    try {
      bar = Pictures.colourBar(0, 4, "aleatoric");
    } catch (RuntimeException | LinkageError | InternalError e) {
      org.junit.jupiter.api.Assumptions.abort("this JDK cannot draw text: " + e);
      return;
    }
    BufferedImage ends = Pictures.heatMap(new float[] {0, 4}, 2, 1, 0, 4);
    // The ramp starts 8 pixels in, 256 wide, 4 pixels down.
    assertThat(bar.getRGB(8, 10)).isEqualTo(ends.getRGB(0, 0));
    assertThat(bar.getRGB(8 + 255, 10)).isEqualTo(ends.getRGB(1, 0));
  }
}
