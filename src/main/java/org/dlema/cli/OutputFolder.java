package org.dlema.cli;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.dlema.io.AtomicDirectory;

/**
 * A verb's output folder as it was before the verb ran: the outermost folder of its path that did not exist yet, so
 * that a failed verb can remove what it created (parents included) and leave nothing behind.
 */
final class OutputFolder {
  private final Path created;

  private OutputFolder(Path created) {
    this.created = created;
  }

  static OutputFolder before(Path out) {
    return new OutputFolder(AtomicDirectory.outermostMissing(out.toAbsolutePath().normalize()));
  }

  /** Deletes the folder the verb created, unless {@code keep} says it holds work to continue. */
  void removeIfNew(Predicate<Path> keep) {
    if (created == null || !Files.isDirectory(created) || keep.test(created)) {
      return;
    }
    try {
      MoreFiles.deleteRecursively(created, RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      // The failure being reported matters more; a leftover folder is named by the next run's check.
    }
  }
}
