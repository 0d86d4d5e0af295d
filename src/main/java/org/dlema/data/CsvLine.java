package org.dlema.data;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV as RFC 4180 writes it: a cell holding a comma, a quote or a line break is quoted, quotes doubled. Reading
 * strips each cell's surrounding spaces, as spreadsheets write them.
 */
public final class CsvLine {
  private CsvLine() {}

  /**
   * One record of a CSV text and the line it starts on (1-based).
   *
   * @param text the record's raw text, for lines a reader skips (blank, or starting with {@code #})
   */
  public record Record(int line, String text, List<String> cells) {}

  /** The records of a whole CSV text; a quoted cell may span lines. */
  public static List<Record> records(String text) {
    List<Record> records = new ArrayList<>();
    int start = 0;
    int line = 1;
    while (start < text.length()) {
      int end = start;
      int lines = 0;
      boolean quoted = false;
      while (end < text.length() && (quoted || text.charAt(end) != '\n')) {
        char c = text.charAt(end);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '\n') {
          lines++;
        }
        end++;
      }
      String record = text.substring(start, end);
      records.add(new Record(line, record, split(record.endsWith("\r") ? record.substring(0, record.length() - 1)
          : record)));
      line += lines + 1;
      start = end + 1;
    }
    return records;
  }

  public static List<String> split(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString().strip());
    return cells;
  }

  public static String join(String... cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      String cell = cells[i] == null ? "" : cells[i];
      if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
        line.append('"').append(cell.replace("\"", "\"\"")).append('"');
      } else {
        line.append(cell);
      }
    }
    return line.toString();
  }
}
