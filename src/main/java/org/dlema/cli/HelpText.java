package org.dlema.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Plain help layout: paragraphs wrapped to a terminal width, and "name  description" items in two columns. */
final class HelpText {
  static final int WIDTH = 100;
  static final int NAME_COLUMN = 26;

  private HelpText() {}

  static void paragraph(String text, String indent, PrintStream out) {
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split("\\s+")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
        out.println(line);
        line.setLength(0);
        line.append(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > indent.length()) {
      out.println(line);
    }
  }

  /** A name and its description; a name too long for the column puts the description on the next line. */
  static void item(String name, String description, PrintStream out) {
    String head = "  " + name;
    String indent = " ".repeat(NAME_COLUMN);
    if (head.length() + 2 > NAME_COLUMN) {
      out.println(head);
      paragraph(description, indent, out);
      return;
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    paragraph(description, indent, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String wrapped = buffer.toString(StandardCharsets.UTF_8);
    out.print(head + wrapped.substring(head.length()));
  }
}
