package org.dlema.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.graph.NetworkSpec;

/** Finds a network spec given as a path or as a bare name from the project's {@code graphs/} folder. */
final class SpecFiles {
  static final String DEFAULT = "linknet-lite";

  private SpecFiles() {}

  static NetworkSpec load(String given) throws IOException, UsageException {
    Path path = Path.of(given);
    if (Files.isRegularFile(path)) {
      return NetworkSpec.load(path);
    }
    String file = given.endsWith(".json") ? Path.of(given).getFileName().toString() : given + ".json";
    for (Path root : new Path[] {Path.of("."), projectRoot()}) {
      if (root != null && Files.isRegularFile(root.resolve("graphs").resolve(file))) {
        return NetworkSpec.load(root.resolve("graphs").resolve(file));
      }
    }
    throw new UsageException("--spec: no such spec '" + given + "' (a JSON file, or a name from graphs/ such as "
        + "linknet-lite, linknet18, tiny)");
  }

  /** The checkout the running jar was built in ({@code target/dlema.jar} or {@code target/classes}). */
  private static Path projectRoot() {
    try {
      Path code = Path.of(SpecFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = code.getParent();
      return target == null ? null : target.getParent();
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }
}
