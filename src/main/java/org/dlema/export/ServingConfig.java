package org.dlema.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dlema.io.JsonFiles;

/**
 * {@code <root>/models.config}: TF Serving's {@code model_config_list} naming every model under the export root
 * (every folder holding an integer version with a {@code saved_model.pb}), rewritten after each export. Base paths
 * are {@code /models/<name>}, the docker image's convention: mount the export root at {@code /models} and start the
 * server with {@code --model_config_file=/models/models.config}.
 */
public final class ServingConfig {
  public static final String FILE = "models.config";
  public static final String BASE = "/models";

  private ServingConfig() {}

  /** Names of the served models under {@code root}, sorted. */
  public static List<String> models(Path root) throws IOException {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return names;
    }
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> versions = Files.list(folder)) {
          if (versions.anyMatch(v -> v.getFileName().toString().matches("\\d+")
              && Files.isRegularFile(v.resolve("saved_model.pb")))) {
            names.add(folder.getFileName().toString());
          }
        }
      }
    }
    return names;
  }

  /** Rewrites {@code root/models.config} atomically from the folders present. */
  public static Path write(Path root) throws IOException {
    StringBuilder text = new StringBuilder("# Written by dlema export: every model under this folder.\n"
        + "# Serve with: tensorflow_model_server --model_config_file=" + BASE + "/" + FILE
        + " (this folder mounted at " + BASE + ")\nmodel_config_list {\n");
    for (String name : models(root)) {
      text.append("  config {\n    name: \"").append(name).append("\"\n    base_path: \"").append(BASE)
          .append('/').append(name).append("\"\n    model_platform: \"tensorflow\"\n  }\n");
    }
    text.append("}\n");
    Path file = root.resolve(FILE);
    JsonFiles.writeString(file, text.toString());
    return file;
  }
}
