package org.dlema.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small image and mask files for tests. */
public final class TestFiles {
  private TestFiles() {}

  /** A colour gradient image. */
  public static BufferedImage rgb(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, ((x * 255 / width) << 16) | ((y * 255 / height) << 8) | 128);
      }
    }
    return image;
  }

  /** A grey mask whose left half has {@code value}, the rest 0. */
  public static BufferedImage mask(int width, int height, int value) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width / 2; x++) {
        image.getRaster().setSample(x, y, 0, value);
      }
    }
    return image;
  }

  public static Path write(BufferedImage image, String format, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(image, format, out)) {
        throw new IOException("no writer for " + format);
      }
    }
    return file;
  }

  /** Cuts a file to {@code fraction} of its length, as an interrupted copy would. */
  public static Path truncate(Path file, double fraction) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    byte[] cut = Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    Files.write(file, cut);
    return file;
  }

  /** A folder-layout dataset: images/a.png, b.png with masks a_1, a_2, b_x (all 16x12). */
  public static Path smallFolderDataset(Path root) throws IOException {
    write(rgb(16, 12), "png", root.resolve("images/a.png"));
    write(rgb(16, 12), "jpg", root.resolve("images/b.jpg"));
    write(mask(16, 12, 255), "png", root.resolve("masks/a_1.png"));
    write(mask(16, 12, 255), "png", root.resolve("masks/a_2.png"));
    write(mask(16, 12, 255), "bmp", root.resolve("masks/b_x.bmp"));
    return root;
  }

  /** A stream that swallows what a library call reports. */
  public static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Copies a folder tree (small test runs). */
  public static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  /** Raw RGB pixels 0..255 of a w x h image, row by row, random but fixed by the seed (export inputs). */
  public static float[] rawPixels(int w, int h, long seed) {
    Random random = new Random(seed);
    float[] pixels = new float[w * h * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextInt(256);
    }
    return pixels;
  }
}
