package org.dlema.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dlema.graph.SessionThreads;
import org.tensorflow.TensorFlow;

/**
 * What the benchmark ran on, recorded beside the figures (absolute speeds mean nothing without it).
 *
 * @param cpu the processor's model name ({@code /proc/cpuinfo}), or "unknown"
 * @param cores the processors the JVM may use
 * @param devices the TensorFlow devices the peak MatMul ran on (from a traced run)
 * @param oneDnn TensorFlow's oneDNN kernels: "on" unless {@code TF_ENABLE_ONEDNN_OPTS=0} turned them off
 * @param rewriting whether Grappler rewrote the main measurements' graphs ({@code DLEMA_GRAPPLER})
 * @param bfloat16Units the processor's bfloat16 units ({@code amx_bf16}, {@code avx512_bf16} among its flags), empty
 *     when it has none
 */
public record Machine(String cpu, int cores, String tensorflow, List<String> devices, String java, String os,
    String oneDnn, boolean rewriting, List<String> bfloat16Units) {
  /** This machine, with the devices found by {@link MatMulPeak#devices()}. */
  public static Machine current(List<String> devices) {
    return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), TensorFlow.version(),
        List.copyOf(devices), Runtime.version().toString(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        "0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS")) ? "off" : "on", SessionThreads.rewriting(),
        processorBfloat16Units());
  }

  /** The bfloat16 units for a report line: their flags, or "none". */
  public String bfloat16UnitsText() {
    return bfloat16Units == null || bfloat16Units.isEmpty() ? "none" : String.join(", ", bfloat16Units);
  }

  private static String cpuModel() {
    String line = cpuInfo("model name");
    return line == null ? "unknown" : line;
  }

  private static List<String> processorBfloat16Units() {
    String flags = cpuInfo("flags");
    return flags == null ? List.of()
        : Arrays.stream(flags.split("\\s+")).filter(f -> f.equals("amx_bf16") || f.equals("avx512_bf16")).toList();
  }

  /** The value of the first {@code /proc/cpuinfo} line whose key is {@code key}, or null (not Linux). */
  private static String cpuInfo(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith(key) && line.indexOf(':') > 0) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: reported as unknown.
    }
    return null;
  }
}
