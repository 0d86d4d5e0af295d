package org.dlema.cluster;

import java.util.Locale;

/**
 * The rule for every value written into a generated job script or manifest: no control characters. Quoting keeps
 * spaces and shell syntax inert, but a line break ends an {@code #SBATCH} line or a YAML scalar and starts a line of
 * its own, which the scheduler or the shell would then run.
 */
final class PrintableText {
  private PrintableText() {}

  /** {@code value} (null allowed), refused with what it names when it holds a control character. */
  static <T> T require(String what, T value) {
    if (value == null) {
      return null;
    }
    String text = value.toString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s holds a control character (U+%04X at "
            + "position %d), which would break the generated job files: '%s'", what, (int) c, i + 1,
            text.replaceAll("\\p{Cntrl}", "?")));
      }
    }
    return value;
  }
}
