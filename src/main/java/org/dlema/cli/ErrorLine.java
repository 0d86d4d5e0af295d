package org.dlema.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.dlema.data.DatasetException;
import org.dlema.graph.TensorFlowMessage;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * The one line a failure prints: what went wrong with which file or option, in the user's terms. No exception class
 * names and no stack frames; the full trace only with {@code --debug}.
 */
final class ErrorLine {
  /** Whether the failure is ours (a bug) rather than the input's or the machine's. */
  record Described(String line, boolean internal) {}

  private ErrorLine() {}

  static Described of(Throwable failure) {
    Throwable e = unwrap(failure);
    String full = diskFull(failure);
    if (full != null) {
      return new Described("the disk is full: " + full + "; free some space or write to another disk", false);
    }
    if (e instanceof OutOfMemoryError || e instanceof TFResourceExhaustedException) {
      return new Described("out of memory (" + heap() + "); give Java more with DLEMA_JAVA_OPTS=-Xmx<size> (e.g. "
          + "-Xmx" + suggestedHeapGigabytes() + "g), or use a smaller --batch, fewer or smaller images", false);
    }
    if (e instanceof FileSystemException fs) {
      return new Described(fileSystem(fs), false);
    }
    if (e instanceof InvalidPathException path && path.getReason().startsWith("Malformed input")) {
      return new Described("the path " + path.getInput() + " has characters that this locale's character set ("
          + System.getProperty("sun.jnu.encoding") + ") cannot name; run under a UTF-8 locale, e.g. LC_ALL=C.UTF-8",
          false);
    }
    if (e instanceof DatasetException || e instanceof IOException || e instanceof IllegalArgumentException) {
      return new Described(message(e) + (e instanceof Exception ex ? Advice.of(ex) : ""), false);
    }
    if (e instanceof TensorFlowException) {
      return new Described("TensorFlow failed: " + TensorFlowMessage.firstLine(message(e)), true);
    }
    return new Described(message(e), true);
  }

  /** The failure inside the wrappers that threads and lambdas put around it. */
  static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof UncheckedIOException || current instanceof ExecutionException
        || current instanceof CompletionException
        || (current instanceof RuntimeException && current.getClass() == RuntimeException.class))
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * The first message in the cause chain that says the disk is full (TensorFlow reports it as resource exhaustion,
   * Java as an I/O error), naming the file where it does; null when none does.
   */
  private static String diskFull(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      String message = e.getMessage();
      if (message != null && message.contains("No space left on device")) {
        String line = e instanceof TensorFlowException ? TensorFlowMessage.firstLine(message) : message.strip();
        String file = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() + ": " : "";
        return file + line;
      }
    }
    return null;
  }

  private static String fileSystem(FileSystemException e) {
    String file = e.getFile();
    String reason;
    if (e instanceof NoSuchFileException) {
      reason = "no such file or folder";
    } else if (e instanceof FileAlreadyExistsException) {
      reason = "already exists";
    } else if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof NotDirectoryException) {
      reason = "not a folder";
    } else if (e instanceof DirectoryNotEmptyException) {
      reason = "a folder that is not empty";
    } else {
      reason = e.getReason() == null ? "cannot be used" : e.getReason();
    }
    String other = e.getOtherFile() == null ? "" : " (with " + e.getOtherFile() + ")";
    return (file == null ? "a file" : file) + other + ": " + reason;
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName().replaceAll("(Exception|Error)$", "").replaceAll("([a-z])([A-Z])", "$1 $2")
          .toLowerCase(Locale.ROOT);
    }
    return message.strip();
  }

  private static String heap() {
    return String.format(Locale.ROOT, "the Java heap may use %.1f GB", Runtime.getRuntime().maxMemory() / 1e9);
  }

  private static long suggestedHeapGigabytes() {
    return Math.max(2, Math.round(2 * Runtime.getRuntime().maxMemory() / 1e9));
  }
}
