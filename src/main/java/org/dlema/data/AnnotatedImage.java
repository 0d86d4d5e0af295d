package org.dlema.data;

import java.nio.file.Path;
import java.util.List;

/** An image and its 1..M annotations, in a stable order (the order the source lists them). */
public record AnnotatedImage(String id, Path image, List<Annotation> annotations) {
  public AnnotatedImage {
    annotations = List.copyOf(annotations);
  }

  public int annotationCount() {
    return annotations.size();
  }
}
