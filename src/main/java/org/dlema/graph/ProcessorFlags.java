package org.dlema.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The processor's model name and feature flags, as Linux lists them in {@code /proc/cpuinfo}. */
public final class ProcessorFlags {
  /** The file's lines, read once: the processor does not change while the process runs. */
  private static final List<String> CPU_INFO = read(Path.of("/proc/cpuinfo"));

  private ProcessorFlags() {}

  /** The first processor's flags (empty where there is no {@code /proc/cpuinfo}). */
  public static Set<String> current() {
    String flags = field("flags");
    return flags == null ? Set.of() : Arrays.stream(flags.split("\\s+")).collect(Collectors.toUnmodifiableSet());
  }

  /** The value of the first {@code /proc/cpuinfo} line whose key is {@code key}, or null (not Linux). */
  public static String field(String key) {
    for (String line : CPU_INFO) {
      if (line.startsWith(key) && line.indexOf(':') > 0) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return null;
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of(); // Not Linux: nothing known.
    }
  }
}
