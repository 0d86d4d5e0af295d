package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.exceptions.TFResourceExhaustedException;

/** A full disk is named as such, with the file where known, and lost output never exits 0. */
class DiskFullTest {
  @TempDir Path dir;

  @Test
  void aFullDiskIsNotReportedAsOutOfMemory() {
    ErrorLine.Described tf = ErrorLine.of(new RuntimeException(new TFResourceExhaustedException(
        "Failed to write to file runs/r/checkpoints/.best.partial/model.data-00000-of-00001: No space left on "
        + "device")));
    assertThat(tf.internal()).isFalse();
    assertThat(tf.line()).startsWith("the disk is full: ");
    assertThat(tf.line()).contains("runs/r/checkpoints");
    assertThat(tf.line()).doesNotContain("out of memory");
    ErrorLine.Described java = ErrorLine.of(new IOException("picture.png: cannot be written (No space left on "
        + "device)", new FileSystemException("picture.png", null, "No space left on device")));
    assertThat(java.line()).isEqualTo("the disk is full: picture.png: cannot be written (No space left on device); "
        + "free some space or write to another disk");
  }

  @Test
  void outputThatCannotBeWrittenFailsTheCommand() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = Main.run(new String[] {"data", "inspect", TinyRun.data().toString()},
        new Console(new PrintStream(full, true), new PrintStream(err, true)));
    assertThat(code).isEqualTo(Main.FAILED);
    assertThat(err.toString()).contains("standard output could not be written");
  }

  @Test
  void anUnwritablePictureNamesItsFile() throws Exception {
    Path blocked = Files.createDirectory(dir.resolve("blocked.png"));
    Files.writeString(blocked.resolve("inside"), "a folder where the picture should go");
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () ->
        org.dlema.data.ImageFiles.writePng(new java.awt.image.BufferedImage(2, 2,
            java.awt.image.BufferedImage.TYPE_INT_RGB), blocked));
    assertThat(ErrorLine.of(e).line()).contains("blocked.png");
  }
}
