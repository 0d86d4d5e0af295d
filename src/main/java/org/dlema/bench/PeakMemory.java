package org.dlema.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident-memory high-water mark, {@code VmHWM} of {@code /proc/self/status} (Linux). It is
 * process-wide and only grows, so phases are read in order; Linux lets a process reset it ({@code 5} written to
 * {@code /proc/self/clear_refs}), which gives a later phase a peak of its own (from the resident size at the reset).
 */
public final class PeakMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private PeakMemory() {}

  /** VmHWM in bytes, or -1 where there is no {@code /proc} (not Linux). */
  public static long highWaterMark() {
    return field("VmHWM:");
  }

  /** VmRSS in bytes, or -1. */
  public static long resident() {
    return field("VmRSS:");
  }

  /** Sets the high-water mark to the current resident size; false when the system does not allow it. */
  public static boolean reset() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(name)) {
          // "VmHWM:	  400980 kB"
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // No /proc: reported as unknown.
    }
    return -1;
  }
}
