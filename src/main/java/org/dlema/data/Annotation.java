package org.dlema.data;

import java.nio.file.Path;
import java.util.Optional;

/** One expert mask of an image: its file and, when the source names one, the annotator who drew it. */
public record Annotation(Path file, Optional<String> annotator) {
  public static Annotation of(Path file) {
    return new Annotation(file, Optional.empty());
  }

  public static Annotation of(Path file, String annotator) {
    return new Annotation(file, Optional.ofNullable(annotator).filter(a -> !a.isBlank()));
  }
}
