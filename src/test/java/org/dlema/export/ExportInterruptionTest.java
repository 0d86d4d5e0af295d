package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlema export} of an ensemble killed with SIGKILL (no shutdown hook runs) in a child JVM at points of its
 * work seen from outside (staging on disk, lines of its log): whatever the moment, every version folder present is
 * complete, and a fused version never exists without its members.
 */
@Tag("slow")
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

  /** A point of the export's work that can be seen from outside: a line in its log, or a file under the root. */
  private record Point(String name, Predicate<Path> reached) {}

  @Test
  void aKilledExportLeavesOnlyCompleteVersionFolders() throws Exception {
    Path root = dir.resolve("export");
    int members = TinyRun.ensemble().resolve("members").toFile().list().length;
    Process full = start(root);
    assertThat(full.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertWithMessage(Files.readString(dir.resolve("child.log"))).that(full.exitValue()).isEqualTo(0);
    assertComplete(root, members);

    List<Point> points = List.of(
        new Point("a staging folder exists", r -> stagingLeft(r)),
        new Point("member 1 written", r -> logSays("member 1 of " + members)),
        new Point("last member written", r -> logSays("member " + members + " of " + members)),
        new Point("fused model being written", r -> logSays("serving_default = ")));
    List<String> interrupted = new ArrayList<>();
    for (Point point : points) {
      Process process = start(root);
      // Polls until the point is reached, then kills at once; an export that finishes first was not interrupted.
      while (process.isAlive() && !point.reached().test(root)) {
        Thread.sleep(1);
      }
      if (process.isAlive()) {
        process.destroyForcibly().waitFor();
        interrupted.add(point.name());
      }
      assertComplete(root, members);
    }
    // The kills did land midway (otherwise this test would prove nothing).
    assertThat(interrupted).isNotEmpty();
    // The next export clears what the killed ones left in staging.
    Process last = start(root);
    assertThat(last.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(last.exitValue()).isEqualTo(0);
    assertThat(stagingLeft(root)).isFalse();
    System.out.println("export killed when: " + interrupted);
  }

  private boolean logSays(String text) {
    try {
      return Files.readString(dir.resolve("child.log")).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean stagingLeft(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      return all.anyMatch(p -> p.getFileName().toString().contains(".partial-"));
    } catch (IOException | UncheckedIOException e) {
      // A folder renamed while walking: the walk saw work in progress.
      return true;
    }
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
