package org.dlema.cluster;

import java.util.List;
import java.util.stream.Collectors;

/** Words for a bash command line: quoted only where the shell would otherwise read them differently. */
final class ShellWords {
  private ShellWords() {}

  static String quote(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  static String join(List<String> words) {
    return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
  }
}
