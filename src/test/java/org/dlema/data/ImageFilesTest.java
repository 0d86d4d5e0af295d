package org.dlema.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
  @TempDir Path dir;

  @Test
  void readsRgbPixelsExactly() throws Exception {
    BufferedImage source = TestFiles.rgb(8, 6);
    Path file = TestFiles.write(source, "png", dir.resolve("x.png"));
    ImageFiles.DecodedImage decoded = ImageFiles.readRgb(file);
    assertThat(decoded.source()).isEqualTo(ImageFiles.SourceColour.RGB);
    assertThat(decoded.image().width()).isEqualTo(8);
    int rgb = source.getRGB(5, 3);
    assertThat(decoded.image().get(5, 3, 0)).isEqualTo((rgb >> 16) & 0xff);
    assertThat(decoded.image().get(5, 3, 1)).isEqualTo((rgb >> 8) & 0xff);
    assertThat(decoded.image().get(5, 3, 2)).isEqualTo(rgb & 0xff);
  }

  @Test
  void greyAndRgbaImagesAreConvertedAndReported() throws Exception {
    BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 2, 0, 200);
    ImageFiles.DecodedImage g = ImageFiles.readRgb(TestFiles.write(grey, "png", dir.resolve("g.png")));
    assertThat(g.source()).isEqualTo(ImageFiles.SourceColour.GREY);
    assertThat(g.image().get(1, 2, 0)).isEqualTo(g.image().get(1, 2, 2));
    assertThat(g.image().get(1, 2, 1)).isGreaterThan(100);

    BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x80ff0000);
    ImageFiles.DecodedImage c = ImageFiles.readRgb(TestFiles.write(rgba, "png", dir.resolve("c.png")));
    assertThat(c.source()).isEqualTo(ImageFiles.SourceColour.RGBA);
    assertThat(c.image().get(0, 0, 0)).isEqualTo(255);
  }

  @Test
  void truncatedPngAndJpegAreErrorsNamingTheFile() throws Exception {
    BufferedImage big = TestFiles.rgb(64, 64);
    for (String format : new String[] {"png", "jpg"}) {
      Path file = TestFiles.truncate(TestFiles.write(big, format, dir.resolve("cut." + format)), 0.5);
      DatasetException e = assertThrows(DatasetException.class, () -> ImageFiles.readRgb(file));
      assertThat(e.getMessage()).startsWith(file.toString());
      assertThat(e.getMessage()).contains("truncated");
    }
  }

  @Test
  void garbageAndMissingFilesAreErrorsNamingTheFile() throws Exception {
    Path garbage = Files.writeString(dir.resolve("fake.png"), "not an image");
    DatasetException e = assertThrows(DatasetException.class, () -> ImageFiles.readRgb(garbage));
    assertThat(e.file()).isEqualTo(garbage);
    Path missing = dir.resolve("missing.png");
    assertThat(assertThrows(DatasetException.class, () -> ImageFiles.readMask(missing)).getMessage())
        .isEqualTo(missing + ": no such file");
  }

  @Test
  void masksAreThresholdedAtHalfTheirOwnMaximum() throws Exception {
    // 0/1 masks (common in public datasets) and 0/255 masks give the same foreground.
    ImageFiles.DecodedMask ones = ImageFiles.readMask(
        TestFiles.write(TestFiles.mask(10, 4, 1), "png", dir.resolve("ones.png")));
    ImageFiles.DecodedMask full = ImageFiles.readMask(
        TestFiles.write(TestFiles.mask(10, 4, 255), "png", dir.resolve("full.png")));
    assertThat(ones.mask()).isEqualTo(full.mask());
    assertThat(ones.mask().foregroundCount()).isEqualTo(20);
    assertThat(ones.nonBinaryPixels()).isEqualTo(0);

    BufferedImage soft = TestFiles.mask(10, 4, 255);
    soft.getRaster().setSample(0, 0, 0, 127); // below half of 255: background
    soft.getRaster().setSample(1, 0, 0, 128); // at or above half: foreground
    soft.getRaster().setSample(9, 3, 0, 128);
    ImageFiles.DecodedMask decoded = ImageFiles.readMask(TestFiles.write(soft, "png", dir.resolve("soft.png")));
    assertThat(decoded.nonBinaryPixels()).isEqualTo(3);
    assertThat(decoded.mask().get(0, 0)).isFalse();
    assertThat(decoded.mask().get(1, 0)).isTrue();
    assertThat(decoded.mask().get(9, 3)).isTrue();
  }

  @Test
  void sixteenBitMasksWork() throws Exception {
    BufferedImage deep = new BufferedImage(6, 2, BufferedImage.TYPE_USHORT_GRAY);
    deep.getRaster().setSample(0, 0, 0, 65535);
    deep.getRaster().setSample(1, 0, 0, 30000);
    ImageFiles.DecodedMask decoded = ImageFiles.readMask(TestFiles.write(deep, "png", dir.resolve("deep.png")));
    assertThat(decoded.mask().get(0, 0)).isTrue();
    assertThat(decoded.mask().get(1, 0)).isFalse();
    assertThat(decoded.nonBinaryPixels()).isEqualTo(1);
  }
}
