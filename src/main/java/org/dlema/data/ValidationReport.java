package org.dlema.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What checking a dataset found: errors (the dataset must not be used), warnings (usable, but a person should look)
 * and counts of silent repairs such as greyscale-to-RGB conversion. Thread-safe so that images can be checked in
 * parallel; listings are sorted so that reports are reproducible.
 */
public final class ValidationReport {
  /** One finding about one file. */
  public record Problem(Path file, String message) {
    @Override
    public String toString() {
      return file + ": " + message;
    }
  }

  public static final String GREY_CONVERTED = "images converted from greyscale";
  public static final String RGBA_CONVERTED = "images converted from RGBA (alpha dropped)";
  public static final String MASKS_NON_BINARY = "masks with non-binary values (thresholded at half their maximum)";
  public static final String NON_BINARY_PIXELS = "non-binary mask pixels";
  public static final String MASKS_EMPTY = "empty masks";
  public static final String MASKS_FULL = "full masks";
  public static final String SKIPPED_UNANNOTATED = "images skipped for having no mask";
  public static final String IGNORED_FILES = "entries ignored (a folder, or not an image format)";

  private final List<Problem> errors = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();
  private final Map<String, Long> counts = new TreeMap<>();

  public synchronized void error(Path file, String message) {
    errors.add(new Problem(file, message));
  }

  public synchronized void warning(Path file, String message) {
    warnings.add(new Problem(file, message));
  }

  public synchronized void count(String what, long n) {
    counts.merge(what, n, Long::sum);
  }

  public synchronized boolean hasErrors() {
    return !errors.isEmpty();
  }

  public synchronized List<Problem> errors() {
    return sorted(errors);
  }

  public synchronized List<Problem> warnings() {
    return sorted(warnings);
  }

  public synchronized long count(String what) {
    return counts.getOrDefault(what, 0L);
  }

  public synchronized Map<String, Long> counts() {
    return Collections.unmodifiableMap(new TreeMap<>(counts));
  }

  /** Throws the first error (naming its file), mentioning how many more there are. */
  public void throwIfErrors() {
    List<Problem> all = errors();
    if (all.isEmpty()) {
      return;
    }
    Problem first = all.get(0);
    String more = all.size() > 1 ? " (and " + (all.size() - 1) + " more problems)" : "";
    throw new DatasetException(first.file(), first.message() + more);
  }

  private static List<Problem> sorted(List<Problem> problems) {
    List<Problem> copy = new ArrayList<>(problems);
    copy.sort(Comparator.comparing((Problem p) -> p.file().toString()).thenComparing(Problem::message));
    return List.copyOf(copy);
  }
}
