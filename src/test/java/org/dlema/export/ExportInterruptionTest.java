package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlema export} of an ensemble killed with SIGKILL (no shutdown hook runs) at several points of its work, in
 * a child JVM: whatever the moment, every version folder present is complete, and a fused version never exists
 * without its members.
 */
class ExportInterruptionTest {
  @TempDir Path dir;

  private Process start(Path root) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        "org.dlema.cli.Main", "export", "--run", TinyRun.ensemble().toString(), "--out", root.toString(),
        "--name", "e", "--fusion", "uniform")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return builder.start();
  }

  @Test
  void aKilledExportLeavesOnlyCompleteVersionFolders() throws Exception {
    Path root = dir.resolve("export");
    int members = TinyRun.ensemble().resolve("members").toFile().list().length;
    // One full export to learn how long the work takes on this machine.
    long begin = System.nanoTime();
    Process full = start(root);
    assertThat(full.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertWithMessage(Files.readString(dir.resolve("child.log"))).that(full.exitValue()).isEqualTo(0);
    long millis = (System.nanoTime() - begin) / 1_000_000;
    assertComplete(root, members);

    List<Integer> interrupted = new ArrayList<>();
    for (double fraction : new double[] {0.3, 0.55, 0.7, 0.8, 0.9, 0.97}) {
      Process process = start(root);
      boolean finished = process.waitFor((long) (millis * fraction), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor();
        interrupted.add((int) (100 * fraction));
      }
      assertComplete(root, members);
    }
    // The kills did land midway (otherwise this test would prove nothing).
    assertThat(interrupted).isNotEmpty();
    // The next export clears what the killed ones left in staging.
    Process last = start(root);
    assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(last.exitValue()).isEqualTo(0);
    List<String> left;
    try (Stream<Path> all = Files.walk(root)) {
      left = all.map(p -> p.getFileName().toString()).filter(n -> n.contains(".partial-")).toList();
    }
    assertThat(left).isEmpty();
    System.out.println("export took " + millis + " ms; killed at " + interrupted + " % of that");
  }

  /** Every integer version folder holds a whole SavedModel and card; each fused version has all its members. */
  private static void assertComplete(Path root, int members) throws Exception {
    List<String> models;
    try (Stream<Path> folders = Files.list(root)) {
      models = folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    }
    for (String model : models) {
      try (Stream<Path> versions = Files.list(root.resolve(model))) {
        for (Path version : versions.filter(v -> v.getFileName().toString().matches("\\d+")).toList()) {
          for (String file : new String[] {"saved_model.pb", "variables/variables.index",
              "variables/variables.data-00000-of-00001", ModelExporter.CARD}) {
            assertWithMessage(version + " lacks " + file).that(Files.isRegularFile(version.resolve(file)))
                .isTrue();
          }
          if (model.equals("e")) {
            for (int i = 1; i <= members; i++) {
              Path member = root.resolve(EnsembleExporter.memberModel("e", i)).resolve(version.getFileName());
              assertWithMessage(member + " missing beside " + version).that(Files.isDirectory(member)).isTrue();
            }
          }
        }
      }
    }
  }
}
