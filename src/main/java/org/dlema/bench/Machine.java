package org.dlema.bench;

import java.util.List;
import org.dlema.graph.OneDnn;
import org.dlema.graph.ProcessorFlags;
import org.dlema.graph.SessionThreads;
import org.tensorflow.TensorFlow;

/**
 * What the benchmark ran on, recorded beside the figures (absolute speeds mean nothing without it).
 *
 * @param cpu the processor's model name ({@code /proc/cpuinfo}), or "unknown"
 * @param cores the processors the JVM may use
 * @param devices the TensorFlow devices the peak MatMul ran on (from a traced run)
 * @param oneDnn TensorFlow's oneDNN kernels, "on" or "off" ({@link OneDnn})
 * @param rewriting whether Grappler rewrote the main measurements' graphs ({@code DLEMA_GRAPPLER})
 * @param bfloat16Units the processor's bfloat16 units ({@code amx_bf16}, {@code avx512_bf16} among its flags), empty
 *     when it has none
 * @param oneDnnWhy what decided {@code oneDnn}: the variable, or TensorFlow's default for this processor
 */
public record Machine(String cpu, int cores, String tensorflow, List<String> devices, String java, String os,
    String oneDnn, boolean rewriting, List<String> bfloat16Units, String oneDnnWhy) {
  /** This machine, with the devices found by {@link MatMulPeak#devices()}. */
  public static Machine current(List<String> devices) {
    OneDnn oneDnn = OneDnn.current();
    return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), TensorFlow.version(),
        List.copyOf(devices), Runtime.version().toString(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        oneDnn.on() ? "on" : "off", SessionThreads.rewriting(), processorBfloat16Units(), oneDnn.why());
  }

  /** The bfloat16 units for a report line: their flags, or "none". */
  public String bfloat16UnitsText() {
    return bfloat16Units == null || bfloat16Units.isEmpty() ? "none" : String.join(", ", bfloat16Units);
  }

  private static String cpuModel() {
    String line = ProcessorFlags.field("model name");
    return line == null ? "unknown" : line;
  }

  private static List<String> processorBfloat16Units() {
    return ProcessorFlags.current().stream().filter(f -> f.equals("amx_bf16") || f.equals("avx512_bf16")).sorted()
        .toList();
  }
}
