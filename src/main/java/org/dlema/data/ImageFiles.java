package org.dlema.data;

import com.google.common.io.MoreFiles;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.dlema.io.Progress;

/** Strict image and mask decoding: a file that decodes with warnings (truncated, corrupt) is an error. */
public final class ImageFiles {
  public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff");
  public static final Set<String> MASK_EXTENSIONS = Set.of("png", "bmp", "tif", "tiff", "gif", "jpg", "jpeg");

  /** How the stored pixels were turned into RGB. */
  public enum SourceColour {
    RGB,
    GREY,
    RGBA
  }

  public record DecodedImage(RgbImage image, SourceColour source) {}

  /**
   * A mask thresholded at half of its own maximum value (so 0/1, 0/255 and 16-bit masks all work).
   *
   * @param nonBinaryPixels pixels that were neither 0 nor the maximum before thresholding
   */
  /**
   * @param fromAlpha the colour channels were all black and the mask was read from the alpha channel instead (a
   *     lesion drawn as transparency)
   */
  public record DecodedMask(BinaryMask mask, long nonBinaryPixels, boolean fromAlpha) {}

  private ImageFiles() {}

  public static String extension(Path file) {
    return MoreFiles.getFileExtension(file).toLowerCase(Locale.ROOT);
  }

  public static String baseName(Path file) {
    return MoreFiles.getNameWithoutExtension(file);
  }

  public static DecodedImage readRgb(Path file) {
    BufferedImage decoded = decode(file);
    SourceColour source;
    if (decoded.getColorModel().hasAlpha()) {
      source = SourceColour.RGBA;
    } else if (decoded.getColorModel().getNumColorComponents() == 1) {
      source = SourceColour.GREY;
    } else {
      source = SourceColour.RGB;
    }
    return new DecodedImage(RgbImage.of(decoded), source);
  }

  public static DecodedMask readMask(Path file) {
    BufferedImage decoded = decode(file);
    int w = decoded.getWidth();
    int h = decoded.getHeight();
    int[] values = new int[w * h];
    Raster raster = decoded.getRaster();
    boolean singleBand = raster.getNumBands() == 1
        && !(decoded.getColorModel() instanceof java.awt.image.IndexColorModel);
    boolean fromAlpha = false;
    if (singleBand) {
      raster.getSamples(0, 0, w, h, 0, values);
    } else {
      // Colour or palette masks: a pixel's value is its brightest channel.
      int[] argb = decoded.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < argb.length; i++) {
        values[i] = Math.max((argb[i] >> 16) & 0xff, Math.max((argb[i] >> 8) & 0xff, argb[i] & 0xff));
      }
      // All colour black but the alpha varies: the lesion was drawn as opacity, so the alpha is the mask.
      if (max(values) == 0 && decoded.getColorModel().hasAlpha()) {
        int[] alpha = new int[values.length];
        for (int i = 0; i < argb.length; i++) {
          alpha[i] = (argb[i] >>> 24) & 0xff;
        }
        int lowest = Arrays.stream(alpha).min().orElse(0);
        if (lowest < max(alpha)) {
          values = alpha;
          fromAlpha = true;
        }
      }
    }
    int max = max(values);
    boolean[] bits = new boolean[values.length];
    long nonBinary = 0;
    for (int i = 0; i < values.length; i++) {
      bits[i] = max > 0 && 2L * values[i] >= max;
      if (values[i] != 0 && values[i] != max) {
        nonBinary++;
      }
    }
    return new DecodedMask(new BinaryMask(w, h, bits), nonBinary, fromAlpha);
  }

  private static int max(int[] values) {
    int max = 0;
    for (int v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  /**
   * Bytes of Java heap one decoded pixel may take on its way through dlema (the decoder's raster, the RGB copy, the
   * float pixels sent to TensorFlow), with room to spare.
   */
  static final long HEAP_BYTES_PER_PIXEL = 32;

  /** The largest image, in pixels, this process decodes: known from the header before any pixel is read. */
  public static long maxPixels() {
    return Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_PIXEL;
  }

  private static void refuseOversized(Path file, int width, int height) {
    long pixels = (long) width * height;
    if (pixels > maxPixels()) {
      throw new DatasetException(file, String.format(Locale.ROOT, "%d x %d pixels is more than this process can "
          + "hold (at most %.0f megapixels with a Java heap of %.1f GB); downscale the image, or give Java more "
          + "memory with DLEMA_JAVA_OPTS=-Xmx<size>", width, height, maxPixels() / 1e6,
          Runtime.getRuntime().maxMemory() / 1e9));
    }
  }

  /** Decodes with the first ImageIO reader for the file, turning any decoder warning into an error. */
  static BufferedImage decode(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, "no such file");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new DatasetException(file, "cannot be opened");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new DatasetException(file, "not a readable image (unknown or corrupt format)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        refuseOversized(file, reader.getWidth(0), reader.getHeight(0));
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new DatasetException(file, "corrupt or truncated image (" + warnings.get(0) + ")");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DatasetException de) {
        throw de;
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new DatasetException(file, "corrupt or truncated image (" + reason + ")", e);
    }
  }

  /**
   * Decodes every file before any output is made, so that a folder with a bad file fails as a whole: the message
   * names each unreadable file (the first three, and how many more).
   */
  public static void requireReadable(List<Path> files, Progress progress) {
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      try {
        decode(file);
      } catch (DatasetException e) {
        problems.add(e.getMessage());
      }
      progress.step();
    }
    progress.done();
    if (!problems.isEmpty()) {
      String listed = String.join("; ", problems.subList(0, Math.min(3, problems.size())));
      Path where = files.size() == 1 || files.get(0).getParent() == null ? files.get(0) : files.get(0).getParent();
      throw new DatasetException(where, problems.size() + " of "
          + files.size() + " images cannot be read, nothing was written: " + listed
          + (problems.size() > 3 ? "; and " + (problems.size() - 3) + " more" : ""));
    }
  }

  /** Writes a PNG; the caller is responsible for atomicity (see {@code AtomicDirectory}). */
  public static void writePng(BufferedImage image, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    } catch (FileSystemException e) {
      // Already names the file and the reason (no such folder, permission denied, not a file).
      throw e;
    } catch (IOException e) {
      // ImageIO's own message names no file ("I/O error writing PNG file!"); the cause says why.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException(file + ": cannot be written (" + cause.getMessage() + ")", e);
    }
  }
}
