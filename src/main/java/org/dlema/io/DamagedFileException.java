package org.dlema.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file of one of dlema's own formats (JSON, checkpoint, SavedModel) that exists but cannot be read as
 * that format: flipped or missing bytes, or not the format at all. The message names the file and says so.
 */
public final class DamagedFileException extends IOException {
  private static final long serialVersionUID = 1L;
  private final Path file;

  public DamagedFileException(Path file, String problem, Throwable cause) {
    super(file + ": damaged (" + problem + ")", cause);
    this.file = file;
  }

  public DamagedFileException(Path file, String problem) {
    this(file, problem, null);
  }

  public Path file() {
    return file;
  }
}
