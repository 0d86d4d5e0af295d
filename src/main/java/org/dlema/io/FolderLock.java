package org.dlema.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock between processes, held on a small file (POSIX record locks, which NFS and the usual cluster
 * file systems pass on). The operating system drops it when the holding process ends, however it ends, so a killed
 * process never holds it for ever. The file names its holder ({@code host pid}) for the messages of the others.
 */
public final class FolderLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private FolderLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits until the lock is free, then holds it. */
  public static FolderLock acquire(Path file) throws IOException {
    FileChannel channel = open(file);
    try {
      FileLock lock = channel.lock();
      return claimed(channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Holds the lock when it is free; empty when another process (or this one) holds it. */
  public static Optional<FolderLock> tryAcquire(Path file) throws IOException {
    FileChannel channel = open(file);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(claimed(channel, lock));
    } catch (OverlappingFileLockException e) {
      channel.close();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Who holds (or last held) the lock: {@code host pid}, or an empty string. */
  public static String holder(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether a holder ({@link #holder}) is a process of this machine. */
  public static boolean heldHere(String holder) {
    return holder.startsWith(ThisProcess.HOST + " ");
  }

  private static FileChannel open(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static FolderLock claimed(FileChannel channel, FileLock lock) throws IOException {
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ThisProcess.id() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    return new FolderLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
