package org.dlema.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dlema.data.ImageFiles;
import org.dlema.io.JsonFiles;

/**
 * Writes an evaluation: {@code evaluation.json} (every method on every test set), {@code per-image.csv},
 * {@code tables.md} laid out like the paper's Table 1 (Jaccard % +- standard error) and Table 2 (NLL and Brier), with
 * Dice and calibration (ECE) tables beside them, and a reliability diagram per method and test set.
 */
public final class EvaluationReport {
  public static final String JSON = "evaluation.json";
  public static final String CSV = "per-image.csv";
  public static final String TABLES = "tables.md";

  /** One method on one test set; null where a value is undefined (a standard error of one image). */
  public record Entry(String set, String method, int images, Double jaccard, Double jaccardStandardError,
      Double dice, Double diceStandardError, Double nll, Double brier, Double expectedCalibrationError) {}

  /** What {@code evaluation.json} holds. */
  public record Contents(Map<String, String> targets, List<Entry> results, Map<String, Object> about,
      List<String> warnings) {}

  private EvaluationReport() {}

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  public static List<Entry> entries(Evaluator.Results results) {
    List<Entry> entries = new ArrayList<>();
    results.scores().forEach((set, methods) -> methods.forEach((method, scores) -> {
      MethodScores.Summary s = scores.summary();
      entries.add(new Entry(set, method, s.images(), finite(s.jaccard().mean()),
          finite(s.jaccard().standardError()), finite(s.dice().mean()), finite(s.dice().standardError()),
          finite(s.nll()), finite(s.brier()), finite(s.expectedCalibrationError())));
    }));
    return entries;
  }

  /** Writes every file into {@code out} (which must exist). */
  public static void write(Path out, Evaluator.Results results, Map<String, Object> about) throws IOException {
    List<Entry> entries = entries(results);
    JsonFiles.write(out.resolve(JSON), new Contents(results.targets(), entries, about, results.warnings()));
    StringBuilder csv = new StringBuilder("set,method,image,target,jaccard,dice,nll,brier\n");
    results.scores().forEach((set, methods) -> methods.forEach((method, scores) -> {
      for (MethodScores.Row row : scores.rows()) {
        csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%.6f,%.6f,%.6f,%.6f%n", quote(set), quote(method),
            quote(row.image()), quote(row.target()), row.scores().jaccard(), row.scores().dice(),
            row.scores().nll(), row.scores().brier()));
      }
    }));
    JsonFiles.writeString(out.resolve(CSV), csv.toString());
    JsonFiles.writeString(out.resolve(TABLES), tables(results));
    for (var set : results.scores().entrySet()) {
      for (var method : set.getValue().entrySet()) {
        ImageFiles.writePng(ReliabilityDiagram.draw(method.getKey() + " on " + set.getKey(),
            method.getValue().calibration()), out.resolve("reliability").resolve(
            Evaluator.fileSafe(set.getKey()) + "_" + Evaluator.fileSafe(method.getKey()) + ".png"));
      }
    }
  }

  /** The markdown tables, one column per test set. */
  public static String tables(Evaluator.Results results) {
    List<String> sets = new ArrayList<>(results.scores().keySet());
    Set<String> methods = new LinkedHashSet<>();
    results.scores().values().forEach(m -> methods.addAll(m.keySet()));
    StringBuilder md = new StringBuilder();
    md.append("Targets: ");
    List<String> targets = new ArrayList<>();
    results.targets().forEach((set, target) -> targets.add("**" + set + "**: " + target));
    md.append(String.join("; ", targets)).append(".\n\n");
    for (String warning : results.warnings()) {
      md.append("**Warning:** ").append(warning).append(".\n\n");
    }

    md.append("### Table 1: Jaccard index (% ± standard error)\n\n");
    header(md, "method", sets);
    for (String method : methods) {
      row(md, method, sets, set -> summary(results, set, method) == null ? "" : summary(results, set, method)
          .jaccard().percent());
    }
    md.append("\n### Table 2: negative log-likelihood (eq. 6) and Brier score (eq. 7)\n\n");
    List<String> pairs = new ArrayList<>();
    for (String set : sets) {
      pairs.add(set + " NLL");
      pairs.add(set + " Br");
    }
    header(md, "method", pairs);
    for (String method : methods) {
      List<String> cells = new ArrayList<>();
      for (String set : sets) {
        MethodScores.Summary s = summary(results, set, method);
        cells.add(s == null ? "" : String.format(Locale.ROOT, "%.3f", s.nll()));
        cells.add(s == null ? "" : String.format(Locale.ROOT, "%.3f", s.brier()));
      }
      md.append("| ").append(method).append(" | ").append(String.join(" | ", cells)).append(" |\n");
    }
    md.append("\n### Calibration: expected calibration error (%, 15 bins, pixel level)\n\n");
    header(md, "method", sets);
    for (String method : methods) {
      row(md, method, sets, set -> summary(results, set, method) == null ? "" : String.format(Locale.ROOT, "%.2f",
          100 * summary(results, set, method).expectedCalibrationError()));
    }
    md.append("\n### Dice coefficient (% ± standard error)\n\n");
    header(md, "method", sets);
    for (String method : methods) {
      row(md, method, sets, set -> summary(results, set, method) == null ? "" : summary(results, set, method)
          .dice().percent());
    }
    return md.toString();
  }

  private static MethodScores.Summary summary(Evaluator.Results results, String set, String method) {
    MethodScores scores = results.scores().get(set).get(method);
    return scores == null ? null : scores.summary();
  }

  private interface Cell {
    String of(String set);
  }

  private static void header(StringBuilder md, String first, List<String> columns) {
    md.append("| ").append(first).append(" | ").append(String.join(" | ", columns)).append(" |\n|---|");
    md.append("---|".repeat(columns.size())).append('\n');
  }

  private static void row(StringBuilder md, String method, List<String> sets, Cell cell) {
    md.append("| ").append(method);
    for (String set : sets) {
      md.append(" | ").append(cell.of(set));
    }
    md.append(" |\n");
  }

  private static String quote(String value) {
    return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
