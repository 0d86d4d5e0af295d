package org.dlema.io;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory that appears complete or not at all: everything is written into a hidden staging folder beside the
 * target, which {@link #commit()} renames into place. Closing without a commit deletes the staging folder, so a
 * failed or interrupted job leaves no half-written output under the target's name. An interrupt (Ctrl-C, SIGTERM)
 * also removes the staging folder; only a hard kill can leave a hidden {@code .<name>.partial-<host>_<pid>-*}
 * folder behind, and the next output in the same folder on the same machine removes it once that process is gone.
 */
public final class AtomicDirectory implements AutoCloseable {
  /**
   * {@code .<name>.partial-<host>_<pid>-<uuid>}: a staging folder and the process writing it. The host is part of
   * the name so that a shared folder's staging of another machine is never taken for abandoned.
   */
  private static final Pattern STAGING = Pattern.compile("\\..+\\.partial-([A-Za-z0-9.]*)_(\\d{1,18})-.+");

  /** This machine's name as it appears in staging folder names. */
  private static final String HOST = ThisProcess.HOST.replaceAll("[^A-Za-z0-9.]", "");
  private final Path target;
  private final Path staging;
  private final Thread cleanupOnExit;
  private final boolean replacing;
  /**
   * The outermost folder made for this output, or null: it and the folders down to the target's parent are removed
   * again, where empty, if nothing is committed.
   */
  private final Path createdFrom;
  private volatile boolean committed;

  private AtomicDirectory(Path target, Path staging, boolean replacing, Path createdFrom) {
    this.target = target;
    this.staging = staging;
    this.replacing = replacing;
    this.createdFrom = createdFrom;
    this.cleanupOnExit = new Thread(this::deleteStaging, "remove " + staging.getFileName());
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
  }

  /**
   * Fails if the target already exists and is not an empty directory. A symbolic link is followed: the output lands
   * where it points, which must exist.
   */
  public static AtomicDirectory create(Path target) throws IOException {
    return staged(usable(target), false);
  }

  /**
   * Where {@link #create} would put {@code target}, checked before any work as it would check it: absolute, a
   * symbolic link followed (so that renaming the finished output into place fills the folder it points to rather
   * than replacing the link), refused when it links to nothing or already holds something.
   */
  public static Path usable(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(absolute)) {
      if (!Files.exists(absolute)) {
        throw new IOException(target + " is a symbolic link to " + Files.readSymbolicLink(absolute) + ", which "
            + "does not exist; create that folder or choose another output");
      }
      absolute = absolute.toRealPath();
    }
    if (Files.exists(absolute) && !isEmptyDirectory(absolute)) {
      throw new IOException(target + " already exists; choose another output or remove it first");
    }
    return absolute;
  }

  /**
   * Like {@link #create}, but an existing target is replaced on commit (checkpoints): the old folder is moved aside,
   * the new one renamed into place, then the old one deleted.
   */
  public static AtomicDirectory replacing(Path target) throws IOException {
    return staged(target.toAbsolutePath().normalize(), true);
  }

  /**
   * Finishes a replacement that a kill interrupted between its two renames: when {@code target} is missing but a
   * complete previous version still sits aside, it is moved back. Returns whether the target exists afterwards.
   */
  public static boolean recover(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      return true;
    }
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return false;
    }
    String prefix = "." + shortened(absolute, OLD_SUFFIX) + ".old-";
    try (var siblings = Files.list(parent)) {
      var aside = siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst();
      if (aside.isEmpty()) {
        return false;
      }
      move(aside.get(), absolute);
      return true;
    }
  }

  private static AtomicDirectory staged(Path absolute, boolean replacing) throws IOException {
    Path parent = absolute.getParent();
    Path createdFrom = outermostMissing(parent);
    Files.createDirectories(parent);
    removeAbandoned(parent);
    String suffix = ".partial-" + HOST + "_" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    Path staging = parent.resolve("." + shortened(absolute, suffix.length()) + suffix);
    Files.createDirectory(staging);
    return new AtomicDirectory(absolute, staging, replacing, createdFrom);
  }

  /**
   * The outermost folder that creating {@code absolute} would make, or null when it exists: what to remove again
   * when the output fails.
   */
  public static Path outermostMissing(Path absolute) {
    if (Files.exists(absolute)) {
      return null;
    }
    Path outermost = absolute;
    while (outermost.getParent() != null && !Files.exists(outermost.getParent())) {
      outermost = outermost.getParent();
    }
    return outermost;
  }

  /**
   * Deletes staging folders in {@code parent} written by this machine whose process no longer runs (it was killed
   * hard).
   */
  private static void removeAbandoned(Path parent) throws IOException {
    List<Path> abandoned;
    try (var siblings = Files.list(parent)) {
      abandoned = siblings.filter(p -> {
        Matcher staging = STAGING.matcher(p.getFileName().toString());
        return staging.matches() && staging.group(1).equals(HOST)
            && ProcessHandle.of(Long.parseLong(staging.group(2))).isEmpty();
      }).toList();
    }
    for (Path folder : abandoned) {
      MoreFiles.deleteRecursively(folder, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** The length of ".old-" and a UUID. */
  private static final int OLD_SUFFIX = 5 + 36;
  /** The longest file name most file systems take. */
  private static final int NAME_LIMIT = 255;

  /**
   * The target's name, cut so that "." + it + a suffix of {@code reserved} characters stays a legal file name: a
   * target whose own name is near the limit still gets a staging folder beside it.
   */
  private static String shortened(Path target, int reserved) {
    String name = target.getFileName().toString();
    int room = NAME_LIMIT - 1 - reserved;
    return name.length() <= room ? name : name.substring(0, room);
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Where to write; becomes the target on commit. */
  public Path path() {
    return staging;
  }

  public Path target() {
    return target;
  }

  public synchronized void commit() throws IOException {
    Path old = null;
    if (Files.isDirectory(target) && isEmptyDirectory(target)) {
      Files.delete(target);
    } else if (replacing && Files.exists(target)) {
      old = target.resolveSibling("." + shortened(target, OLD_SUFFIX) + ".old-" + UUID.randomUUID());
      move(target, old);
    }
    move(staging, target);
    committed = true;
    if (old != null) {
      MoreFiles.deleteRecursively(old, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook does the cleanup.
      return;
    }
    deleteStaging();
  }

  private synchronized void deleteStaging() {
    if (committed || !Files.exists(staging)) {
      return;
    }
    try {
      MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
      for (Path folder = staging.getParent(); createdFrom != null && folder.startsWith(createdFrom)
          && isEmptyDirectory(folder); folder = folder.getParent()) {
        try {
          Files.delete(folder);
        } catch (DirectoryNotEmptyException e) {
          break; // Another output appeared in it meanwhile: it stays.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove staging folder " + staging, e);
    }
  }
}
