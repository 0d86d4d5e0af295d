package org.dlema.graph;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether TensorFlow runs its oneDNN kernels in this process, by TensorFlow 2.18's own rule, which it applies once
 * when its library starts. {@code TF_ENABLE_ONEDNN_OPTS} decides when it is 0, 1, false or true. Otherwise they are on
 * only on a processor with one of the neural-network units of {@link #DEFAULT_ON_UNITS}. With them a training step
 * ran 1.45 times faster on an AVX2 processor without those units, but the same seed did not always give the
 * same weights there (docs/training.md); so the project keeps TensorFlow's choice and says which it made. The rule
 * is that of TensorFlow's Linux x86 build, the one the project ships; a build without oneDNN ignores the variable.
 *
 * @param on whether the kernels run
 * @param why what decided it, for a report line
 */
public record OneDnn(boolean on, String why) {
  public static final String VARIABLE = "TF_ENABLE_ONEDNN_OPTS";
  /** The processor flags for which TensorFlow turns oneDNN on by itself (Linux). */
  public static final List<String> DEFAULT_ON_UNITS = List.of("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile",
      "amx_int8", "amx_bf16");

  /** This process's setting and processor. */
  public static OneDnn current() {
    return of(System.getenv(VARIABLE), ProcessorFlags.current());
  }

  /** The rule, for a setting of the variable (null when unset) and the processor's flags. */
  static OneDnn of(String setting, Set<String> flags) {
    // TensorFlow lower-cases the value but does not trim it.
    String value = setting == null ? "" : setting.toLowerCase(Locale.ROOT);
    switch (value) {
      case "1", "true" -> {
        return new OneDnn(true, VARIABLE + "=" + setting);
      }
      case "0", "false" -> {
        return new OneDnn(false, VARIABLE + "=" + setting);
      }
      default -> {
        // TensorFlow ignores any other value, the empty one too (with a warning), and keeps its default.
        List<String> units = DEFAULT_ON_UNITS.stream().filter(flags::contains).toList();
        return units.isEmpty()
            ? new OneDnn(false, "TensorFlow's default on a processor without " + String.join(", ", DEFAULT_ON_UNITS))
            : new OneDnn(true, "TensorFlow's default on a processor with " + String.join(", ", units));
      }
    }
  }

  /**
   * A line for the start of a training run where the kernels run, or null: on one processor they did not always
   * give the same weights for the same seed (docs/training.md).
   */
  public String hint() {
    return on ? "TensorFlow's oneDNN kernels are on (" + why + "); on one processor without AVX-512 they did not "
        + "always give the same weights for the same seed; " + VARIABLE + "=0 turns them off (docs/training.md)"
        : null;
  }
}
