package org.dlema.data;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Images with a variable number of masks each (paper 2.1: image X_n with M_n annotations, M = max M_n). Holds file
 * references only; pixels are read on demand so that datasets larger than memory work.
 */
public record MultiAnnotatedDataset(Path source, List<AnnotatedImage> images) {
  public MultiAnnotatedDataset {
    images = List.copyOf(images);
  }

  public int size() {
    return images.size();
  }

  /** M: the largest number of annotations of any image, which is also the ensemble size. */
  public int maxAnnotations() {
    return images.stream().mapToInt(AnnotatedImage::annotationCount).max().orElse(0);
  }

  public int annotationCount() {
    return images.stream().mapToInt(AnnotatedImage::annotationCount).sum();
  }

  /** Number of images per annotation count, ascending by count. */
  public SortedMap<Integer, Integer> annotationHistogram() {
    SortedMap<Integer, Integer> histogram = new TreeMap<>();
    for (AnnotatedImage image : images) {
      histogram.merge(image.annotationCount(), 1, Integer::sum);
    }
    return histogram;
  }

  public AnnotatedImage image(String id) {
    return images.stream()
        .filter(i -> i.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no image with id " + id + " in " + source));
  }
}
