package org.dlema.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reference masks kept beside a dataset: {@code reference/<id>_reference.png}, one per image, holding the mask the
 * annotations were simulated from (written by {@code dlema data simulate}). They are looked up beside the dataset
 * (its folder, or the manifest's folder) and, for manifests that point elsewhere (such as those of
 * {@code dlema data split}), beside the image's own {@code images/} folder. Training never reads them; validation
 * and evaluation score against them as well as against the annotations.
 */
public final class ReferenceMasks {
  public static final String FOLDER = "reference";

  private ReferenceMasks() {}

  /** Whether every image of the dataset has a reference mask. */
  public static boolean complete(MultiAnnotatedDataset dataset) {
    return !dataset.images().isEmpty() && dataset.images().stream().allMatch(i -> file(dataset, i).isPresent());
  }

  /** The reference mask file of one image, if there is one. */
  public static Optional<Path> file(MultiAnnotatedDataset dataset, AnnotatedImage image) {
    String name = image.id() + "_reference.png";
    Path source = dataset.source().toAbsolutePath();
    Path root = Files.isRegularFile(source) ? source.getParent() : source;
    Path beside = root.resolve(FOLDER).resolve(name);
    if (Files.isRegularFile(beside)) {
      return Optional.of(beside);
    }
    Path images = image.image().toAbsolutePath().getParent();
    if (images != null && images.getParent() != null) {
      Path near = images.getParent().resolve(FOLDER).resolve(name);
      if (Files.isRegularFile(near)) {
        return Optional.of(near);
      }
    }
    return Optional.empty();
  }
}
