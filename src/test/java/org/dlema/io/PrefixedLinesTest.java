package org.dlema.io;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixedLinesTest {
  @Test
  void everyLineGetsThePrefixAndAnUnfinishedLineWaitsForItsEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream shared = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    PrintStream own = PrefixedLines.on(shared, "[staple] ");
    own.print("loading ");
    own.flush();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
    own.println("images: 5/10 (50%)");
    own.printf("step %d%nstep %d%n", 1, 2);
    own.print("no end");
    own.close();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(String.join(System.lineSeparator(),
        "[staple] loading images: 5/10 (50%)", "[staple] step 1", "[staple] step 2", "[staple] no end") + "\n");
  }

  @Test
  void linesOfJobsSideBySideAreNeverCutIntoEachOther() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream shared = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<Thread> threads = new ArrayList<>();
    int lines = 2000;
    for (String name : new String[] {"a", "b", "c"}) {
      threads.add(new Thread(() -> {
        try (PrintStream own = PrefixedLines.on(shared, "[" + name + "] ")) {
          for (int i = 0; i < lines; i++) {
            // Written in pieces, as printf and println do.
            own.print("line ");
            own.print(i);
            own.print(" of " + name);
            own.println();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    String[] out = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertThat(out).hasLength(3 * lines);
    for (String name : new String[] {"a", "b", "c"}) {
      List<String> own = Arrays.stream(out).filter(l -> l.startsWith("[" + name + "] ")).toList();
      assertThat(own).hasSize(lines);
      for (int i = 0; i < lines; i++) {
        assertThat(own.get(i)).isEqualTo("[" + name + "] line " + i + " of " + name);
      }
    }
  }
}
