package org.dlema.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * One method's scores on one test set, image by image, against one or several targets per image (each annotation,
 * or the reference mask); several are averaged per image, so an image weighs the same whatever its annotation
 * count. Calibration pools every target's pixels.
 */
public final class MethodScores {
  /** One image against one target ({@code reference} or the annotation's file name). */
  public record Row(String image, String target, ImageScores scores) {}

  /** The aggregate, over images: Table 1's Jaccard +- SE, Table 2's NLL and Brier, and the calibration error. */
  public record Summary(MeanAndError jaccard, MeanAndError dice, double nll, double brier,
      double expectedCalibrationError, int images) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<double[]> perImage = new ArrayList<>();
  private final Calibration calibration = new Calibration();

  /** One image's scores against its targets, made on any thread and added in image order ({@link #add(Scored)}). */
  public record Scored(List<Row> rows, double[] mean, Calibration calibration) {}

  /**
   * Scores one image.
   *
   * @param targets the targets (0/1 maps of the image's size), named by {@code names}
   */
  public void add(String image, float[] probability, List<String> names, List<float[]> targets) {
    add(score(image, probability, names, targets));
  }

  /** Scores one image without adding it: the pixel work, which images can share out between threads. */
  public static Scored score(String image, float[] probability, List<String> names, List<float[]> targets) {
    if (targets.isEmpty() || names.size() != targets.size()) {
      throw new IllegalArgumentException(image + ": no targets to score against");
    }
    double[] mean = new double[4];
    List<Row> rows = new ArrayList<>();
    Calibration calibration = new Calibration();
    for (int t = 0; t < targets.size(); t++) {
      ImageScores s = ImageScores.of(probability, targets.get(t));
      rows.add(new Row(image, names.get(t), s));
      calibration.add(probability, targets.get(t));
      mean[0] += s.jaccard() / targets.size();
      mean[1] += s.dice() / targets.size();
      mean[2] += s.nll() / targets.size();
      mean[3] += s.brier() / targets.size();
    }
    return new Scored(List.copyOf(rows), mean, calibration);
  }

  /** Adds an image scored by {@link #score}; the order of the calls is the order of the rows. */
  public void add(Scored scored) {
    rows.addAll(scored.rows());
    perImage.add(scored.mean());
    calibration.add(scored.calibration());
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  public Calibration calibration() {
    return calibration;
  }

  public Summary summary() {
    int n = perImage.size();
    double[][] columns = new double[4][n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 4; c++) {
        columns[c][i] = perImage.get(i)[c];
      }
    }
    return new Summary(MeanAndError.of(columns[0]), MeanAndError.of(columns[1]), MeanAndError.of(columns[2]).mean(),
        MeanAndError.of(columns[3]).mean(), calibration.expectedCalibrationError(), n);
  }
}
