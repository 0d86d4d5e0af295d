package org.dlema.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An exported model named as TF Serving takes it: a version folder ({@code export/NAME/1}, holding
 * {@code saved_model.pb}) or the model's base path ({@code export/NAME}), whose highest integer version is used.
 *
 * @param version the version folder to load
 * @param note what was chosen when a base path was given (null when a version folder was)
 */
public record ModelFolder(Path version, String note) {
  /**
   * The version folder {@code given} names; a folder that is neither is returned as it is, for the loader to
   * refuse.
   */
  public static ModelFolder resolve(Path given) throws IOException {
    if (Files.isRegularFile(given.resolve("saved_model.pb")) || !Files.isDirectory(given)) {
      return new ModelFolder(given, null);
    }
    Optional<Path> highest;
    try (Stream<Path> entries = Files.list(given)) {
      highest = entries.filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
          .filter(p -> Files.isRegularFile(p.resolve("saved_model.pb")))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())));
    }
    return highest.map(v -> new ModelFolder(v, "using version " + v.getFileName() + " of " + given
        + ", its highest, as TF Serving would")).orElse(new ModelFolder(given, null));
  }
}
