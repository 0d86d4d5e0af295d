package org.dlema.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dlema.data.CsvLine;
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

  /**
   * One method on one test set with several annotations per image ({@link AnnotatorScores}); null where undefined.
   * Jaccard and Dice are against the non-empty references; {@code emptyPredictedEmpty} is the share of the images
   * with an empty reference that the method predicts empty; {@code jaccardByReaders} is the mean Jaccard against each
   * annotation, keyed by how many annotators marked the object, with its image count in {@code imagesByReaders}.
   */
  public record AnnotatorEntry(String set, String method, int images, Integer nonEmptyReferences,
      Double referenceJaccard, Double referenceJaccardStandardError, Double referenceDice, Integer emptyReferences,
      Double emptyPredictedEmpty, Map<String, Double> jaccardByReaders, Map<String, Integer> imagesByReaders,
      Double ged, Double gedStandardError, Double softNll, Double softBrier, Double softExpectedCalibrationError) {}

  /** What {@code evaluation.json} holds; {@code annotators} is absent when no set has several masks per image. */
  public record Contents(Map<String, String> targets, List<Entry> results, Map<String, Object> about,
      List<String> warnings, List<AnnotatorEntry> annotators) {}

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

  public static List<AnnotatorEntry> annotatorEntries(Evaluator.Results results) {
    List<AnnotatorEntry> entries = new ArrayList<>();
    results.annotators().forEach((set, methods) -> methods.forEach((method, scores) -> {
      AnnotatorScores.Summary s = scores.summary();
      Map<String, Double> byReaders = new java.util.LinkedHashMap<>();
      Map<String, Integer> counts = new java.util.LinkedHashMap<>();
      s.jaccardByReaders().forEach((readers, jaccard) -> {
        byReaders.put(Integer.toString(readers), finite(jaccard.mean()));
        counts.put(Integer.toString(readers), jaccard.n());
      });
      boolean references = s.referenceJaccard().n() + s.emptyReferences() > 0;
      entries.add(new AnnotatorEntry(set, method, s.images(), references ? s.referenceJaccard().n() : null,
          finite(s.referenceJaccard().mean()), finite(s.referenceJaccard().standardError()),
          finite(s.referenceDice().mean()), references ? s.emptyReferences() : null,
          finite(s.emptyPredictedEmpty()), byReaders, counts, finite(s.ged().mean()),
          finite(s.ged().standardError()), finite(s.softNll()), finite(s.softBrier()),
          finite(s.softExpectedCalibrationError())));
    }));
    return entries;
  }

  /** Writes every file into {@code out} (which must exist). */
  public static void write(Path out, Evaluator.Results results, Map<String, Object> about) throws IOException {
    List<Entry> entries = entries(results);
    List<AnnotatorEntry> annotators = annotatorEntries(results);
    JsonFiles.write(out.resolve(JSON), new Contents(results.targets(), entries, about, results.warnings(),
        annotators.isEmpty() ? null : annotators));
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
    results.annotators().forEach((set, scores) -> annotatorTable(md, set, scores));
    return md.toString();
  }

  /** The multi-annotator table of one set: one row per method. */
  private static void annotatorTable(StringBuilder md, String set, Map<String, AnnotatorScores> scores) {
    Set<Integer> readers = new java.util.TreeSet<>();
    scores.values().forEach(s -> readers.addAll(s.summary().jaccardByReaders().keySet()));
    AnnotatorScores.Summary any = scores.values().iterator().next().summary();
    md.append("\n### Several annotators: ").append(set).append("\n\n");
    // A column for empty references only where the set has some: a share of no images says nothing.
    boolean empties = any.emptyReferences() > 0;
    md.append("Reference columns: Jaccard and Dice (%) over the ").append(any.referenceJaccard().n())
        .append(" images with a non-empty reference").append(empties ? "; the share (%) of the "
            + any.emptyReferences() + " images with an empty reference predicted empty" : " (no reference is empty)")
        .append(". Readers k: mean Jaccard (%) against each "
            + "annotation over the images that k annotators marked. GED² with d = 1 - IoU between the annotations "
            + "and the model's samples (an ensemble's members). NLL, Brier and ECE (%) against the soft label, the "
            + "share of annotators marking each pixel.\n\n");
    List<String> columns = new ArrayList<>(List.of("ref. Jaccard", "ref. Dice"));
    if (empties) {
      columns.add("empty ref. predicted empty");
    }
    readers.forEach(k -> columns.add("readers " + k + " (" + any.jaccardByReaders().getOrDefault(k,
        new MeanAndError(Double.NaN, Double.NaN, 0)).n() + ")"));
    columns.addAll(List.of("GED²", "soft NLL", "soft Brier", "soft ECE"));
    header(md, "method", columns);
    scores.forEach((method, methodScores) -> {
      AnnotatorScores.Summary s = methodScores.summary();
      List<String> cells = new ArrayList<>(List.of(s.referenceJaccard().percent(), s.referenceDice().percent()));
      if (empties) {
        cells.add(String.format(Locale.ROOT, "%.1f", 100 * s.emptyPredictedEmpty()));
      }
      readers.forEach(k -> cells.add(s.jaccardByReaders().containsKey(k)
          ? String.format(Locale.ROOT, "%.2f", 100 * s.jaccardByReaders().get(k).mean()) : ""));
      cells.add(String.format(Locale.ROOT, "%.3f ± %.3f", s.ged().mean(), s.ged().standardError()));
      cells.add(String.format(Locale.ROOT, "%.4f", s.softNll()));
      cells.add(String.format(Locale.ROOT, "%.4f", s.softBrier()));
      cells.add(String.format(Locale.ROOT, "%.2f", 100 * s.softExpectedCalibrationError()));
      md.append("| ").append(method).append(" | ").append(String.join(" | ", cells)).append(" |\n");
    });
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
    return CsvLine.join(value);
  }
}
