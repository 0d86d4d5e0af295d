package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.dlema.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad-input case stops a writing job with one line naming the offending file, and leaves nothing behind: no
 * output folder and no staging folder beside it.
 */
class BadInputTest {
  @TempDir Path dir;

  private Path source() throws IOException {
    return TestFiles.smallFolderDataset(dir.resolve("src"));
  }

  private void assertRefused(Path source, Path offending, String problem) throws IOException {
    Path outParent = Files.createDirectories(dir.resolve("outputs"));
    Path out = outParent.resolve("sim");
    CliRunner.Outcome run = CliRunner.run("data", "simulate", "--data", source.toString(), "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    String line = run.err().lines().filter(l -> l.startsWith("dlema:")).findFirst().orElse("");
    assertThat(line).startsWith("dlema: error: " + offending + ": ");
    assertThat(line).contains(problem);
    try (Stream<Path> left = Files.list(outParent)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void truncatedImage() throws Exception {
    Path source = source();
    Path image = TestFiles.write(TestFiles.rgb(64, 48), "jpg", source.resolve("images/b.jpg"));
    TestFiles.write(TestFiles.mask(64, 48, 255), "bmp", source.resolve("masks/b_x.bmp"));
    TestFiles.truncate(image, 0.4);
    assertRefused(source, image, "truncated");
  }

  @Test
  void unreadableMask() throws Exception {
    Path source = source();
    Path mask = Files.writeString(source.resolve("masks/a_2.png"), "garbage");
    assertRefused(source, mask, "not a readable image");
  }

  @Test
  void maskOfTheWrongSize() throws Exception {
    Path source = source();
    Path mask = TestFiles.write(TestFiles.mask(15, 12, 255), "png", source.resolve("masks/a_2.png"));
    assertRefused(source, mask, "mask is 15x12 but its image a.png is 16x12");
  }

  @Test
  void maskWithoutImage() throws Exception {
    Path source = source();
    Path mask = TestFiles.write(TestFiles.mask(16, 12, 255), "png", source.resolve("masks/c_1.png"));
    assertRefused(source, mask, "mask with no image");
  }

  @Test
  void imageWithoutMask() throws Exception {
    Path source = source();
    Path image = TestFiles.write(TestFiles.rgb(16, 12), "png", source.resolve("images/c.png"));
    assertRefused(source, image, "image has no mask");
  }

  @Test
  void duplicateIds() throws Exception {
    Path source = source();
    TestFiles.write(TestFiles.rgb(16, 12), "bmp", source.resolve("images/a.bmp"));
    // Files are read in name order, so a.png is the second 'a' and the one reported.
    assertRefused(source, source.resolve("images/a.png"), "duplicate image id 'a' (also a.bmp)");
  }

  @Test
  void missingDataset() throws Exception {
    assertRefused(dir.resolve("nowhere"), dir.resolve("nowhere"), "no such dataset");
  }
}
