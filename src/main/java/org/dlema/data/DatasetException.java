package org.dlema.data;

import java.nio.file.Path;

/** Bad input data. The message always starts with the offending file so that a user can find it. */
public class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Path file;

  public DatasetException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  public DatasetException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
