package org.dlema.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One method's scores on a test set whose images carry several real annotations each (LIDC's four readers, say):
 * what a single reference mask or a mean over annotations hides.
 *
 * <ul>
 *   <li>Against the reference: Jaccard and Dice over the images whose reference is non-empty, and over the images
 *       whose reference is empty the share predicted empty (there Jaccard is 1 or 0 and says only that).
 *   <li>Against each annotation: the image's mean Jaccard (empty against empty = 1), broken down by how many
 *       annotators marked the object (the non-empty annotations: 0 .. M).
 *   <li>The generalised energy distance GED² = 2 E d(S, Y) - E d(S, S') - E d(Y, Y') with d = 1 - IoU and
 *       d(empty, empty) = 0 (Kohl et al. 2018), between the annotations Y and the model's samples S (an ensemble's
 *       members, one map for a single network). The expectations run over all ordered pairs of the two empirical
 *       sets, a pair with itself included (distance 0), so GED² is the energy distance of the two sets and never
 *       negative; per image, then averaged over images.
 *   <li>NLL, Brier and ECE against the soft label: per pixel the share of annotators who marked it.
 * </ul>
 */
public final class AnnotatorScores {
  /** One image's contribution, computed on any thread and added in image order. */
  public record Scored(int readers, double annotationJaccard, double referenceJaccard, double referenceDice,
      boolean referenceEmpty, boolean predictedEmpty, double ged, double softNll, double softBrier,
      Calibration calibration) {}

  /** The aggregate over images. */
  public record Summary(MeanAndError referenceJaccard, MeanAndError referenceDice, int emptyReferences,
      double emptyPredictedEmpty, Map<Integer, MeanAndError> jaccardByReaders, MeanAndError ged, double softNll,
      double softBrier, double softExpectedCalibrationError, int images) {}

  private final List<Scored> images = new ArrayList<>();
  private final Calibration calibration = new Calibration();

  /**
   * Scores one image.
   *
   * @param probability the method's probability map
   * @param samples the maps of the method's samples (thresholded at 0.5 for GED²)
   * @param annotations the image's 0/1 annotations, at least one
   * @param reference the reference mask, or null when the set keeps none
   */
  public static Scored score(float[] probability, List<float[]> samples, List<float[]> annotations,
      float[] reference) {
    if (annotations.isEmpty() || samples.isEmpty()) {
      throw new IllegalArgumentException("multi-annotator scores need at least one annotation and one sample");
    }
    int readers = 0;
    double annotationJaccard = 0;
    for (float[] a : annotations) {
      readers += isEmpty(a) ? 0 : 1;
      annotationJaccard += ImageScores.jaccard(probability, 0, a) / annotations.size();
    }
    double referenceJaccard = Double.NaN;
    double referenceDice = Double.NaN;
    boolean referenceEmpty = false;
    if (reference != null) {
      ImageScores against = ImageScores.of(probability, reference);
      referenceEmpty = isEmpty(reference);
      referenceJaccard = against.jaccard();
      referenceDice = against.dice();
    }
    double ged = 2 * meanDistance(samples, annotations) - meanDistance(samples, samples)
        - meanDistance(annotations, annotations);
    float[] soft = softLabel(annotations);
    double nll = 0;
    double brier = 0;
    for (int q = 0; q < soft.length; q++) {
      double p = Math.min(Math.max(probability[q], ImageScores.CLIP), 1 - ImageScores.CLIP);
      nll -= soft[q] * Math.log(p) + (1 - soft[q]) * Math.log(1 - p);
      double residual = soft[q] - (double) probability[q];
      brier += residual * residual;
    }
    Calibration pixels = new Calibration();
    pixels.addSoft(probability, soft);
    return new Scored(readers, annotationJaccard, referenceJaccard, referenceDice, referenceEmpty,
        isEmpty(probability), ged, nll / soft.length, brier / soft.length, pixels);
  }

  /** Adds an image scored by {@link #score}. */
  public void add(Scored scored) {
    images.add(scored);
    calibration.add(scored.calibration());
  }

  public Calibration softCalibration() {
    return calibration;
  }

  public Summary summary() {
    List<Double> jaccard = new ArrayList<>();
    List<Double> dice = new ArrayList<>();
    int empty = 0;
    int emptyPredictedEmpty = 0;
    Map<Integer, List<Double>> byReaders = new TreeMap<>();
    double[] ged = new double[images.size()];
    double nll = 0;
    double brier = 0;
    for (int i = 0; i < images.size(); i++) {
      Scored s = images.get(i);
      if (s.referenceEmpty()) {
        empty++;
        emptyPredictedEmpty += s.predictedEmpty() ? 1 : 0;
      } else if (!Double.isNaN(s.referenceJaccard())) {
        jaccard.add(s.referenceJaccard());
        dice.add(s.referenceDice());
      }
      byReaders.computeIfAbsent(s.readers(), k -> new ArrayList<>()).add(s.annotationJaccard());
      ged[i] = s.ged();
      nll += s.softNll() / images.size();
      brier += s.softBrier() / images.size();
    }
    Map<Integer, MeanAndError> readers = new TreeMap<>();
    byReaders.forEach((k, values) -> readers.put(k, of(values)));
    return new Summary(of(jaccard), of(dice), empty, empty == 0 ? Double.NaN : (double) emptyPredictedEmpty / empty,
        readers, MeanAndError.of(ged), nll, brier, calibration.expectedCalibrationError(), images.size());
  }

  private static MeanAndError of(List<Double> values) {
    return MeanAndError.of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Per pixel, the share of the annotations that mark it. */
  static float[] softLabel(List<float[]> annotations) {
    float[] soft = new float[annotations.get(0).length];
    for (float[] a : annotations) {
      for (int q = 0; q < soft.length; q++) {
        soft[q] += a[q] >= ImageScores.THRESHOLD ? 1 : 0;
      }
    }
    for (int q = 0; q < soft.length; q++) {
      soft[q] /= annotations.size();
    }
    return soft;
  }

  /** The mean of d = 1 - IoU (masks at 0.5) over every ordered pair of one map from each set. */
  private static double meanDistance(List<float[]> a, List<float[]> b) {
    double sum = 0;
    for (float[] x : a) {
      for (float[] y : b) {
        sum += 1 - ImageScores.jaccard(x, 0, y);
      }
    }
    return sum / (a.size() * b.size());
  }

  /** No pixel at or above the mask threshold. */
  static boolean isEmpty(float[] map) {
    for (float v : map) {
      if (v >= ImageScores.THRESHOLD) {
        return false;
      }
    }
    return true;
  }
}
