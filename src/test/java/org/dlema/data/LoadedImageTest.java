package org.dlema.data;

import static com.google.common.truth.Truth.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.dlema.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedImageTest {
  @TempDir Path dir;

  private AnnotatedImage entry(Path image, Path... masks) {
    return new AnnotatedImage("x", image, List.of(masks).stream().map(Annotation::of).toList());
  }

  @Test
  void maskOfAnotherSizeIsAnErrorNamingTheMask() throws Exception {
    Path image = TestFiles.write(TestFiles.rgb(16, 12), "png", dir.resolve("x.png"));
    Path mask = TestFiles.write(TestFiles.mask(16, 10, 255), "png", dir.resolve("x_1.png"));
    ValidationReport report = new ValidationReport();
    assertThat(LoadedImage.load(entry(image, mask), report)).isNull();
    assertThat(report.errors()).hasSize(1);
    assertThat(report.errors().get(0).file()).isEqualTo(mask);
    assertThat(report.errors().get(0).message()).isEqualTo("mask is 16x10 but its image x.png is 16x12");
  }

  @Test
  void emptyFullAndNonBinaryMasksAreReportedNotFatal() throws Exception {
    Path image = TestFiles.write(TestFiles.rgb(8, 8), "png", dir.resolve("x.png"));
    Path empty = TestFiles.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png",
        dir.resolve("x_empty.png"));
    BufferedImage all = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    all.getRaster().setSamples(0, 0, 8, 8, 0, new int[64]);
    for (int i = 0; i < 64; i++) {
      all.getRaster().setSample(i % 8, i / 8, 0, 255);
    }
    Path full = TestFiles.write(all, "png", dir.resolve("x_full.png"));
    BufferedImage soft = TestFiles.mask(8, 8, 255);
    soft.getRaster().setSample(7, 7, 0, 40);
    Path nonBinary = TestFiles.write(soft, "png", dir.resolve("x_soft.png"));

    ValidationReport report = new ValidationReport();
    LoadedImage loaded = LoadedImage.load(entry(image, empty, full, nonBinary), report);
    assertThat(loaded).isNotNull();
    assertThat(loaded.masks()).hasSize(3);
    assertThat(report.hasErrors()).isFalse();
    assertThat(report.count(ValidationReport.MASKS_EMPTY)).isEqualTo(1);
    assertThat(report.count(ValidationReport.MASKS_FULL)).isEqualTo(1);
    assertThat(report.count(ValidationReport.MASKS_NON_BINARY)).isEqualTo(1);
    assertThat(report.count(ValidationReport.NON_BINARY_PIXELS)).isEqualTo(1);
    assertThat(report.warnings().stream().map(ValidationReport.Problem::file).toList())
        .containsExactly(empty, full);
  }

  @Test
  void greyImagesAreConvertedAndCounted() throws Exception {
    BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    Path image = TestFiles.write(grey, "png", dir.resolve("x.png"));
    Path mask = TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("x_1.png"));
    ValidationReport report = new ValidationReport();
    assertThat(LoadedImage.load(entry(image, mask), report)).isNotNull();
    assertThat(report.count(ValidationReport.GREY_CONVERTED)).isEqualTo(1);
  }
}
