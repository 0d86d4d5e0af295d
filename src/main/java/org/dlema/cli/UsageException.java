package org.dlema.cli;

/** Bad command-line usage: reported in one line with a pointer to {@code --help}, exit code 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
