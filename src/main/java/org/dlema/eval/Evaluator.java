package org.dlema.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.BinaryMask;
import org.dlema.data.DatasetException;
import org.dlema.data.ImageFiles;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.RgbImage;
import org.dlema.io.Progress;

/**
 * Runs a predictor over test sets at each image's own size and scores every method it returns against the set's
 * masks ({@link MethodScores}): each annotation (averaged per image), and when the set keeps reference masks, those
 * too, as a second column {@code <set> (reference)}. The first few images of each set are also drawn as overlays,
 * one per method.
 */
public final class Evaluator {
  /** The lesion probability maps of one image at its own size, by method name, in table order. */
  public interface Predictor {
    Map<String, float[]> predict(RgbImage image) throws IOException;
  }

  /** A test set and the name its table column gets. */
  public record TestSet(String name, MultiAnnotatedDataset dataset) {}

  /** Scores by test set name, then method name, in order. */
  /**
   * @param warnings figures that are undefined or degenerate for the data (empty target masks, for one), said in the
   *     report
   */
  public record Results(Map<String, Map<String, MethodScores>> scores, Map<String, String> targets,
      List<String> warnings) {}

  private Evaluator() {}

  /**
   * @param examples where to draw {@code <set>/<id>_<method>.png} overlays of the first {@code exampleCount} images
   *     (null for none)
   */
  /** How {@code evaluation.json} names the target of a set scored against its reference masks. */
  public static final String REFERENCE_TARGET = "reference masks";

  public static Results evaluate(List<TestSet> sets, Predictor predictor, Path examples, int exampleCount)
      throws IOException {
    return evaluate(sets, predictor, examples, exampleCount, null);
  }

  /** As {@link #evaluate(List, Predictor, Path, int)}, with progress on {@code log} (none when null). */
  public static Results evaluate(List<TestSet> sets, Predictor predictor, Path examples, int exampleCount,
      PrintStream log) throws IOException {
    Map<String, Map<String, MethodScores>> scores = new LinkedHashMap<>();
    Map<String, String> targets = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (TestSet set : sets) {
      int emptyTargets = 0;
      int targetMasks = 0;
      boolean references = ReferenceMasks.complete(set.dataset());
      String referenceColumn = set.name() + " (reference)";
      targets.put(set.name(), "every annotation (mean per image)");
      if (references) {
        targets.put(referenceColumn, REFERENCE_TARGET);
      }
      Map<String, MethodScores> methods = new LinkedHashMap<>();
      Map<String, MethodScores> referenceMethods = new LinkedHashMap<>();
      Progress progress = log == null ? Progress.silent()
          : Progress.on(log, "evaluating on " + set.name(), set.dataset().size());
      int index = 0;
      for (AnnotatedImage entry : set.dataset().images()) {
        RgbImage image = ImageFiles.readRgb(entry.image()).image();
        List<String> names = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        for (Annotation annotation : entry.annotations()) {
          names.add(annotation.file().getFileName().toString());
          masks.add(values(annotation.file(), image));
        }
        targetMasks += masks.size();
        emptyTargets += (int) masks.stream().filter(Evaluator::isEmpty).count();
        float[] reference = null;
        if (references) {
          reference = values(ReferenceMasks.file(set.dataset(), entry).orElseThrow(), image);
        }
        Map<String, float[]> predictions = predictor.predict(image);
        for (Map.Entry<String, float[]> prediction : predictions.entrySet()) {
          methods.computeIfAbsent(prediction.getKey(), k -> new MethodScores())
              .add(entry.id(), prediction.getValue(), names, masks);
          if (reference != null) {
            referenceMethods.computeIfAbsent(prediction.getKey(), k -> new MethodScores())
                .add(entry.id(), prediction.getValue(), List.of("reference"), List.of(reference));
          }
          if (examples != null && index < exampleCount) {
            float[] mask = new float[prediction.getValue().length];
            for (int q = 0; q < mask.length; q++) {
              mask[q] = prediction.getValue()[q] >= ImageScores.THRESHOLD ? 1 : 0;
            }
            ImageFiles.writePng(Pictures.overlay(image, mask, 0x00ff40), examples.resolve(fileSafe(set.name()))
                .resolve(entry.id() + "_" + fileSafe(prediction.getKey()) + ".png"));
          }
        }
        index++;
        progress.step();
      }
      progress.done();
      if (emptyTargets > 0) {
        warnings.add(set.name() + ": " + emptyTargets + " of " + targetMasks + " annotations are empty masks; "
            + "against an empty mask Jaccard and Dice are 0 unless the prediction is empty too, where they are "
            + "undefined (0/0) and counted as 1" + (emptyTargets == targetMasks ? "; with every mask empty, this "
            + "set's Jaccard and Dice say nothing about segmentation" : ""));
      }
      scores.put(set.name(), methods);
      if (references) {
        scores.put(referenceColumn, referenceMethods);
      }
    }
    return new Results(scores, targets, List.copyOf(warnings));
  }

  private static boolean isEmpty(float[] mask) {
    for (float v : mask) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** A method name as part of a file name. */
  static String fileSafe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
  }

  private static float[] values(Path file, RgbImage image) {
    BinaryMask mask = ImageFiles.readMask(file).mask();
    if (mask.width() != image.width() || mask.height() != image.height()) {
      throw new DatasetException(file, "mask is " + mask.width() + "x" + mask.height() + ", its image "
          + image.width() + "x" + image.height());
    }
    return mask.toFloats();
  }
}
