package org.dlema.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.TensorFlow;

/**
 * What the benchmark ran on, recorded beside the figures (absolute speeds mean nothing without it).
 *
 * @param cpu the processor's model name ({@code /proc/cpuinfo}), or "unknown"
 * @param cores the processors the JVM may use
 * @param devices the TensorFlow devices the peak MatMul ran on (from a traced run)
 */
public record Machine(String cpu, int cores, String tensorflow, List<String> devices, String java, String os) {
  /** This machine, with the devices found by {@link MatMulPeak#devices()}. */
  public static Machine current(List<String> devices) {
    return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), TensorFlow.version(),
        List.copyOf(devices), Runtime.version().toString(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: reported as unknown.
    }
    return "unknown";
  }
}
