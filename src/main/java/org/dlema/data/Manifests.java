package org.dlema.data;

import java.nio.file.Path;
import java.util.List;

/** Manifest CSV text ({@code image,mask,annotator}) for a list of images, with paths relative to its folder. */
public final class Manifests {
  private Manifests() {}

  /** @param folder where the manifest will live: its paths are written relative to it when they can be */
  public static String of(List<AnnotatedImage> images, Path folder) {
    Path base = folder.toAbsolutePath().normalize();
    StringBuilder csv = new StringBuilder("image,mask,annotator\n");
    for (AnnotatedImage image : images) {
      for (Annotation annotation : image.annotations()) {
        csv.append(CsvLine.join(relative(base, image.image()), relative(base, annotation.file()),
            annotation.annotator().orElse(""))).append('\n');
      }
    }
    return csv.toString();
  }

  private static String relative(Path base, Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    try {
      return base.relativize(absolute).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      return absolute.toString();
    }
  }
}
