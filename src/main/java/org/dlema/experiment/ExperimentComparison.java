package org.dlema.experiment;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.dlema.data.ImageFiles;
import org.dlema.eval.Charts;
import org.dlema.eval.EvaluationReport;
import org.dlema.eval.Evaluator;
import org.dlema.io.JsonFiles;
import org.dlema.train.Method;

/**
 * Finished experiments side by side, e.g. the points of a noise sweep: {@code comparison.md} holds Jaccard ± standard
 * error of every calibrated model at every point (with the difference to the baseline marked where it exceeds the
 * given spread) and {@code comparison.png} plots the methods that are not members or single MC-dropout networks.
 */
public final class ExperimentComparison {
  public static final String TABLE = "comparison.md";
  public static final String FIGURE = "comparison.png";
  static final String BASELINE = Experiment.label(Method.BASELINE);
  private static final Color[] COLOURS = {new Color(40, 40, 40), new Color(200, 60, 40), new Color(30, 90, 200),
      new Color(40, 150, 60), new Color(150, 60, 170), new Color(220, 140, 20)};

  /** One experiment and the label of its point (e.g. "gross 0.2"). */
  public record Point(String label, Path experiment) {}

  /**
   * @param set the evaluation's test set (a column of its tables)
   * @param methods the rows, in order
   * @param jaccard per method, the Jaccard index in percent at each point (NaN where the method is absent)
   * @param standardError likewise, its standard error over the test images
   */
  public record Comparison(String set, List<Point> points, List<String> methods, Map<String, double[]> jaccard,
      Map<String, double[]> standardError) {}

  private ExperimentComparison() {}

  /**
   * Reads every point's evaluation. {@code set} null picks the set scored against reference masks when there is one
   * (the real masks of simulated data), else the first.
   */
  public static Comparison read(List<Point> points, String set) throws IOException {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare: give at least one experiment");
    }
    List<EvaluationReport.Contents> contents = new ArrayList<>();
    for (Point point : points) {
      Path file = point.experiment().resolve("evaluation").resolve(EvaluationReport.JSON);
      if (!Files.isRegularFile(file)) {
        throw new ExperimentException(point.experiment() + " holds no finished evaluation (" + file
            + " is missing): run or finish the experiment first");
      }
      EvaluationReport.Contents read = JsonFiles.read(file, EvaluationReport.Contents.class);
      // Well-formed JSON of another shape: say so rather than fail on a missing field later.
      if (read == null || read.results() == null || read.targets() == null || read.results().stream()
          .anyMatch(e -> e == null || e.set() == null || e.method() == null)) {
        throw new ExperimentException(file + " is not an evaluation written by dlema evaluate or experiment "
            + "(it lacks results with a set and a method, or targets)");
      }
      contents.add(read);
    }
    String chosen = set != null ? set : defaultSet(contents.get(0));
    Set<String> methods = new LinkedHashSet<>();
    for (int p = 0; p < points.size(); p++) {
      boolean found = false;
      for (EvaluationReport.Entry e : contents.get(p).results()) {
        if (e.set().equals(chosen) && !uncalibrated(e.method())) {
          methods.add(e.method());
          found = true;
        }
      }
      if (!found) {
        throw new ExperimentException(points.get(p).experiment() + " has no test set '" + chosen + "'; it has "
            + String.join(", ", contents.get(p).targets().keySet()));
      }
    }
    Map<String, double[]> jaccard = new LinkedHashMap<>();
    Map<String, double[]> error = new LinkedHashMap<>();
    for (String method : methods) {
      double[] j = new double[points.size()];
      double[] se = new double[points.size()];
      Arrays.fill(j, Double.NaN);
      Arrays.fill(se, Double.NaN);
      for (int p = 0; p < points.size(); p++) {
        for (EvaluationReport.Entry e : contents.get(p).results()) {
          if (e.set().equals(chosen) && e.method().equals(method) && e.jaccard() != null) {
            j[p] = 100 * e.jaccard();
            se[p] = e.jaccardStandardError() == null ? Double.NaN : 100 * e.jaccardStandardError();
          }
        }
      }
      jaccard.put(method, j);
      error.put(method, se);
    }
    return new Comparison(chosen, List.copyOf(points), List.copyOf(methods), jaccard, error);
  }

  private static String defaultSet(EvaluationReport.Contents contents) {
    for (var target : contents.targets().entrySet()) {
      if (target.getValue().equals(Evaluator.REFERENCE_TARGET)) {
        return target.getKey();
      }
    }
    return contents.targets().keySet().iterator().next();
  }

  /** Whether a method is drawn in the figure: the methods, not their parts or uncalibrated copies. */
  static boolean plotted(String method) {
    return !method.contains("member") && !method.startsWith("MC dropout") && !uncalibrated(method);
  }

  /** Temperature scaling leaves the masks, so the uncalibrated copies have the same Jaccard: left out. */
  private static boolean uncalibrated(String method) {
    return method.contains(Experiment.UNCALIBRATED_SUFFIX.strip());
  }

  /**
   * The table. A cell is marked * where its difference to the baseline at the same point is larger than
   * {@code spread} Jaccard points (e.g. the seed-to-seed spread), or, with no spread given, than twice the standard
   * error of the difference.
   */
  public static String markdown(Comparison c, Double spread) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Jaccard (%%, ± standard error) on `%s`. ",
        c.set()));
    md.append(spread != null
        ? String.format(Locale.ROOT, "* = differs from the baseline by more than %.2f points (the given spread).%n%n",
            spread)
        : "* = differs from the baseline by more than twice the standard error of the difference.\n\n");
    md.append("| method |");
    c.points().forEach(p -> md.append(' ').append(p.label()).append(" |"));
    md.append("\n|---|").append("---|".repeat(c.points().size())).append('\n');
    double[] base = c.jaccard().get(BASELINE);
    double[] baseError = c.standardError().get(BASELINE);
    for (String method : c.methods()) {
      md.append("| ").append(method).append(" |");
      double[] j = c.jaccard().get(method);
      double[] se = c.standardError().get(method);
      for (int p = 0; p < j.length; p++) {
        if (Double.isNaN(j[p])) {
          md.append(" |");
          continue;
        }
        md.append(String.format(Locale.ROOT, " %.2f ± %.2f", j[p], se[p]));
        if (base != null && !method.equals(BASELINE) && !Double.isNaN(base[p])) {
          double limit = spread != null ? spread : 2 * Math.hypot(se[p], baseError[p]);
          if (Math.abs(j[p] - base[p]) > limit) {
            md.append('*');
          }
        }
        md.append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** The line chart of the plotted methods over the points. */
  public static java.awt.image.BufferedImage figure(Comparison c) {
    List<Charts.Series> series = new ArrayList<>();
    double[] x = new double[c.points().size()];
    for (int p = 0; p < x.length; p++) {
      x[p] = p;
    }
    for (String method : c.methods()) {
      if (plotted(method)) {
        series.add(new Charts.Series(method, x, c.jaccard().get(method), COLOURS[series.size() % COLOURS.length]));
      }
    }
    return Charts.lines("Jaccard (%) on " + c.set(), "setting", series, 720, 360,
        c.points().stream().map(Point::label).toList());
  }

  /** Writes {@link #TABLE} and {@link #FIGURE} into {@code out} (made if missing). */
  public static void write(Comparison c, Double spread, Path out) throws IOException {
    Files.createDirectories(out);
    JsonFiles.writeString(out.resolve(TABLE), markdown(c, spread));
    ImageFiles.writePng(figure(c), out.resolve(FIGURE));
  }
}
