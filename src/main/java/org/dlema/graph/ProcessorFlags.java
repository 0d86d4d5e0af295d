package org.dlema.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The processor's model name and feature flags, as Linux lists them in {@code /proc/cpuinfo}. */
public final class ProcessorFlags {
  private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

  private ProcessorFlags() {}

  /** The first processor's flags (empty where there is no {@code /proc/cpuinfo}). */
  public static Set<String> current() {
    String flags = field("flags");
    return flags == null ? Set.of() : Arrays.stream(flags.split("\\s+")).collect(Collectors.toUnmodifiableSet());
  }

  /** The value of the first {@code /proc/cpuinfo} line whose key is {@code key}, or null (not Linux). */
  public static String field(String key) {
    try {
      for (String line : Files.readAllLines(CPU_INFO)) {
        if (line.startsWith(key) && line.indexOf(':') > 0) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: nothing known.
    }
    return null;
  }
}
