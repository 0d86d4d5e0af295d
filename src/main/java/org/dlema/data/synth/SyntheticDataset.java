package org.dlema.data.synth;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dlema.io.Progress;

/**
 * The built-in dataset: generated lesions annotated by the simulator, deterministic from the seed. The pixels and
 * reference mask of image {@code synth_<k>} depend only on the seed and k; its annotations also depend on the
 * count, because annotation counts are allocated over the whole set.
 */
public final class SyntheticDataset {
  private SyntheticDataset() {}

  public static SimulatedDatasetWriter.Summary write(Path out, int count, SyntheticLesionSettings generator,
      SimulatorSettings simulator, Progress progress) throws IOException {
    checkArgument(count >= 1, "the image count must be at least 1, got %s", count);
    requireRoom(out, count, generator.size());
    SyntheticLesionGenerator lesions = new SyntheticLesionGenerator(generator);
    int digits = Math.max(4, String.valueOf(count - 1).length());
    List<SimulatedDatasetWriter.GeneratedSource> sources = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      sources.add(new SimulatedDatasetWriter.GeneratedSource(String.format("synth_%0" + digits + "d", k), lesions,
          imageSeed(simulator.seed(), k)));
    }
    return SimulatedDatasetWriter.write(out, sources, new AnnotatorSimulator(simulator),
        new SimulatedDatasetWriter.SyntheticOrigin(generator, simulator.seed(), count), progress);
  }

  /**
   * Disk bytes per pixel of one image with its reference and 2-5 masks, as PNG, with room to spare: {@code du -sb}
   * of {@code dlema data synth --count 12 --size 64} over 12 x 64 x 64 pixels gives 2.6.
   */
  private static final double DISK_BYTES_PER_PIXEL = 3;
  /** Heap bytes per image while the set is made: its source, annotation count and summary entries. */
  private static final long HEAP_BYTES_PER_IMAGE = 512;

  /** Refuses, before anything is written, a set that the disk or the Java heap cannot hold, saying what fits. */
  static void requireRoom(Path out, int count, int size) throws IOException {
    long fits = Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_IMAGE;
    if (count > fits) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%d images are more than this process can "
          + "hold (at most about %d with a Java heap of %.1f GB; give Java more with DLEMA_JAVA_OPTS=-Xmx<size>)",
          count, fits, Runtime.getRuntime().maxMemory() / 1e9));
    }
    double needed = DISK_BYTES_PER_PIXEL * count * size * size;
    Path existing = out.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null) {
      long free = Files.getFileStore(existing).getUsableSpace();
      if (needed > free) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%d images of %d x %d pixels need about %.1f "
            + "GB on disk and %s has %.1f GB free (about %d images of this size fit)", count, size, size,
            needed / 1e9, existing, free / 1e9, (long) (free / (DISK_BYTES_PER_PIXEL * size * size))));
      }
    }
  }

  /** A well-mixed per-image seed (SplittableRandom's golden-ratio increment), so neighbouring images differ. */
  static long imageSeed(long seed, int index) {
    return seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
  }
}
