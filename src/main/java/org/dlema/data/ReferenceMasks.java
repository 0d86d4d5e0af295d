package org.dlema.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reference masks kept beside a dataset: {@code <dataset>/reference/<id>_reference.png}, one per image, holding the
 * mask the annotations were simulated from (written by {@code dlema data simulate}). Training never reads them;
 * validation and evaluation score against them as well as against the annotations.
 */
public final class ReferenceMasks {
  public static final String FOLDER = "reference";

  private ReferenceMasks() {}

  /** The folder of reference masks of a dataset read from {@code source}, if it exists. */
  public static Optional<Path> folder(MultiAnnotatedDataset dataset) {
    Path source = dataset.source().toAbsolutePath();
    Path root = Files.isRegularFile(source) ? source.getParent() : source;
    Path folder = root.resolve(FOLDER);
    return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
  }

  /** The reference mask file of one image, if there is one. */
  public static Optional<Path> file(MultiAnnotatedDataset dataset, String id) {
    return folder(dataset).map(f -> f.resolve(id + "_reference.png")).filter(Files::isRegularFile);
  }
}
