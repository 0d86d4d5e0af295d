package org.dlema.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/** {@code metrics.jsonl}: one JSON object per line, each with a {@code step}; appended and flushed as it goes. */
final class MetricsLog implements AutoCloseable {
  private final Writer out;
  private final List<JsonObject> history = new ArrayList<>();

  /**
   * Opens the log; lines after {@code keepUpToStep} are dropped first, so that a resumed run does not keep the
   * figures of the steps it is about to redo.
   */
  MetricsLog(Path file, long keepUpToStep) throws IOException {
    if (Files.exists(file)) {
      List<String> kept = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonObject entry = JsonParser.parseString(line).getAsJsonObject();
          if (entry.get("step").getAsLong() <= keepUpToStep) {
            kept.add(line);
            history.add(entry);
          }
        } catch (RuntimeException e) {
          // A line cut short by a kill: drop it.
        }
      }
      Files.write(file, kept, StandardCharsets.UTF_8);
    }
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  void write(long step, Map<String, ? extends Number> values) throws IOException {
    JsonObject entry = new JsonObject();
    entry.addProperty("step", step);
    // JSON has no NaN: a figure that does not exist (no reference masks) is left out.
    values.forEach((k, v) -> {
      if (Double.isFinite(v.doubleValue())) {
        entry.addProperty(k, v);
      }
    });
    history.add(entry);
    out.write(entry.toString());
    out.write('\n');
    out.flush();
  }

  /** The values of {@code key} logged so far, as {steps, values}. */
  double[][] series(String key) {
    List<double[]> points = new ArrayList<>();
    for (JsonObject entry : history) {
      if (entry.has(key)) {
        points.add(new double[] {entry.get("step").getAsDouble(), entry.get(key).getAsDouble()});
      }
    }
    double[][] out = new double[2][points.size()];
    for (int i = 0; i < points.size(); i++) {
      out[0][i] = points.get(i)[0];
      out[1][i] = points.get(i)[1];
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
