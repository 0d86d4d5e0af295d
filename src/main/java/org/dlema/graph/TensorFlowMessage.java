package org.dlema.graph;

/** TensorFlow's error text as one line for a user: the first line, without the node annotations it appends. */
public final class TensorFlowMessage {
  private TensorFlowMessage() {}

  public static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no message";
    }
    return message.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("[["))
        .findFirst().orElse(message.strip());
  }
}
