package org.dlema.io;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A stream that starts each of its lines with a prefix and hands every whole line to a shared stream in one write,
 * so the logs of jobs running side by side interleave line by line instead of mid-line. A line still unfinished
 * when the stream is flushed waits for its end; closing the stream writes it out.
 */
public final class PrefixedLines extends OutputStream {
  private final PrintStream to;
  private final byte[] prefix;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  private PrefixedLines(PrintStream to, String prefix) {
    this.to = to;
    this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
  }

  /** A print stream whose lines reach {@code to} as "prefix + line". */
  public static PrintStream on(PrintStream to, String prefix) {
    return new PrintStream(new PrefixedLines(to, prefix), true, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void write(int b) {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    int start = offset;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == '\n') {
        line.write(bytes, start, i + 1 - start);
        emit();
        start = i + 1;
      }
    }
    line.write(bytes, start, offset + length - start);
  }

  @Override
  public synchronized void close() {
    if (line.size() > 0) {
      line.write('\n');
      emit();
    }
  }

  private void emit() {
    byte[] whole = new byte[prefix.length + line.size()];
    System.arraycopy(prefix, 0, whole, 0, prefix.length);
    System.arraycopy(line.toByteArray(), 0, whole, prefix.length, line.size());
    line.reset();
    // One call: PrintStream locks itself per write, so another job's line cannot land inside this one.
    to.write(whole, 0, whole.length);
    to.flush();
  }
}
