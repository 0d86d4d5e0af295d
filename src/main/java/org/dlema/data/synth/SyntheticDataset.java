package org.dlema.data.synth;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** A well-mixed per-image seed (SplittableRandom's golden-ratio increment), so neighbouring images differ. */
  static long imageSeed(long seed, int index) {
    return seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
  }
}
