package org.dlema.data;

import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.dlema.io.Progress;

/**
 * Decodes every image and mask of a dataset, in parallel, recording errors, warnings and repairs. Jobs that write
 * anything run this first and stop on errors, so that bad input never leaves half an output behind.
 */
public final class DatasetValidator {
  private DatasetValidator() {}

  /**
   * @param visitor receives every image that decoded without error; called from several threads at once
   */
  public static void validate(MultiAnnotatedDataset dataset, ValidationReport report, Consumer<LoadedImage> visitor,
      Progress progress) {
    IntStream.range(0, dataset.size()).parallel().forEach(i -> {
      LoadedImage loaded = LoadedImage.load(dataset.images().get(i), report);
      if (loaded != null) {
        visitor.accept(loaded);
      }
      progress.step();
    });
    progress.done();
  }
}
