package org.dlema.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.BinaryMask;
import org.dlema.data.DatasetException;
import org.dlema.data.ImageFiles;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.RgbImage;
import org.dlema.io.LookAhead;
import org.dlema.io.Progress;

/**
 * Runs a predictor over test sets at each image's own size and scores every method it returns against the set's
 * masks ({@link MethodScores}): each annotation (averaged per image), and when the set keeps reference masks, those
 * too, as a second column {@code <set> (reference)}. The first few images of each set are also drawn as overlays,
 * one per method. Images are decoded, predicted and scored on one thread per core (a batch-1 prediction of a small
 * network keeps one core busy) and added in the set's order, so the results do not depend on the threads.
 */
public final class Evaluator {
  /**
   * The lesion probability maps of one image at its own size, by method name, in table order. Called from several
   * threads at once: a pure function of the image (as a served model is).
   */
  public interface Predictor {
    Map<String, float[]> predict(RgbImage image) throws IOException;

    /**
     * The names, among {@code predictions}' keys, of the maps that are samples of {@code method}'s predictive
     * distribution (GED²): an ensemble's members; by default the method's own map, one sample.
     */
    default List<String> samples(String method, Set<String> predictions) {
      return List.of(method);
    }

    /** Whether a map of {@link #predict} is a table row; false for maps that are only another row's samples. */
    default boolean isRow(String name) {
      return true;
    }
  }

  /** A test set and the name its table column gets. */
  public record TestSet(String name, MultiAnnotatedDataset dataset) {}

  /**
   * Scores by test set name, then method name, in order.
   *
   * @param annotators the multi-annotator scores of the sets whose every image has two or more annotations, by set
   *     name, then method name
   * @param warnings figures that are undefined or degenerate for the data (empty target masks, for one), said in the
   *     report
   */
  public record Results(Map<String, Map<String, MethodScores>> scores, Map<String, String> targets,
      Map<String, Map<String, AnnotatorScores>> annotators, List<String> warnings) {}

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
    return evaluate(sets, predictor, examples, exampleCount, log, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link #evaluate(List, Predictor, Path, int, PrintStream)}, with {@code workers} images at a time. */
  static Results evaluate(List<TestSet> sets, Predictor predictor, Path examples, int exampleCount,
      PrintStream log, int workers) throws IOException {
    Map<String, Map<String, MethodScores>> scores = new LinkedHashMap<>();
    Map<String, String> targets = new LinkedHashMap<>();
    Map<String, Map<String, AnnotatorScores>> annotators = new LinkedHashMap<>();
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
      boolean several = set.dataset().images().stream().allMatch(i -> i.annotations().size() >= 2);
      Map<String, AnnotatorScores> annotatorMethods = new LinkedHashMap<>();
      Progress progress = log == null ? Progress.silent()
          : Progress.on(log, "evaluating on " + set.name(), set.dataset().size());
      List<AnnotatedImage> entries = set.dataset().images();
      // Decoding, prediction and the pixel scores of the next images run while one is added; one image per worker,
      // since an image's probability maps, one per method, are held until it is added.
      try (LookAhead<Scored> scoring = new LookAhead<>("dlema-evaluation", workers, workers, 0, entries.size(),
          i -> score(set.dataset(), entries.get((int) i), references, several, predictor,
              examples != null && i < exampleCount))) {
        for (int at = 0; at < entries.size(); at++) {
          Scored scored = scoring.take(at);
          AnnotatedImage entry = entries.get(at);
          targetMasks += scored.targets();
          emptyTargets += scored.emptyTargets();
          for (Map.Entry<String, MethodScores.Scored> method : scored.annotations().entrySet()) {
            methods.computeIfAbsent(method.getKey(), k -> new MethodScores()).add(method.getValue());
          }
          for (Map.Entry<String, MethodScores.Scored> method : scored.reference().entrySet()) {
            referenceMethods.computeIfAbsent(method.getKey(), k -> new MethodScores()).add(method.getValue());
          }
          for (Map.Entry<String, AnnotatorScores.Scored> method : scored.annotators().entrySet()) {
            annotatorMethods.computeIfAbsent(method.getKey(), k -> new AnnotatorScores()).add(method.getValue());
          }
          if (scored.predictions() != null) {
            RgbImage image = scored.image();
            for (Map.Entry<String, float[]> prediction : scored.predictions().entrySet()) {
              float[] mask = new float[prediction.getValue().length];
              for (int q = 0; q < mask.length; q++) {
                mask[q] = prediction.getValue()[q] >= ImageScores.THRESHOLD ? 1 : 0;
              }
              ImageFiles.writePng(Pictures.overlay(image, mask, 0x00ff40), examples.resolve(fileSafe(set.name()))
                  .resolve(entry.id() + "_" + fileSafe(prediction.getKey()) + ".png"));
            }
            // Beside the predictions: every annotator's outline, in the annotations' order (Pictures.PALETTE).
            ImageFiles.writePng(Pictures.outlines(image, scored.masks()), examples.resolve(fileSafe(set.name()))
                .resolve(entry.id() + "_annotators.png"));
          }
          progress.step();
        }
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
      if (several) {
        annotators.put(set.name(), annotatorMethods);
      }
    }
    return new Results(scores, targets, annotators, List.copyOf(warnings));
  }


  /**
   * One image's scores by method, against its annotations and (when the set keeps them) its reference mask; the
   * image and its predictions only when they are drawn as examples (else null).
   */
  private record Scored(Map<String, MethodScores.Scored> annotations, Map<String, MethodScores.Scored> reference,
      Map<String, AnnotatorScores.Scored> annotators, int targets, int emptyTargets, RgbImage image,
      Map<String, float[]> predictions, List<float[]> masks) {}

  private static Scored score(MultiAnnotatedDataset dataset, AnnotatedImage entry, boolean references,
      boolean several, Predictor predictor, boolean keep) throws IOException {
    RgbImage image = ImageFiles.readRgb(entry.image()).image();
    List<String> names = new ArrayList<>();
    List<float[]> masks = new ArrayList<>();
    for (Annotation annotation : entry.annotations()) {
      names.add(annotation.file().getFileName().toString());
      masks.add(values(annotation.file(), image));
    }
    float[] reference = references ? values(ReferenceMasks.file(dataset, entry).orElseThrow(), image) : null;
    Map<String, MethodScores.Scored> annotations = new LinkedHashMap<>();
    Map<String, MethodScores.Scored> referenceScores = new LinkedHashMap<>();
    Map<String, AnnotatorScores.Scored> annotatorScores = new LinkedHashMap<>();
    Map<String, float[]> predictions = predictor.predict(image);
    Map<String, float[]> rows = new LinkedHashMap<>();
    predictions.forEach((name, map) -> {
      if (predictor.isRow(name)) {
        rows.put(name, map);
      }
    });
    for (Map.Entry<String, float[]> prediction : rows.entrySet()) {
      annotations.put(prediction.getKey(), MethodScores.score(entry.id(), prediction.getValue(), names, masks));
      if (reference != null) {
        referenceScores.put(prediction.getKey(), MethodScores.score(entry.id(), prediction.getValue(),
            List.of("reference"), List.of(reference)));
      }
      if (several) {
        List<float[]> samples = predictor.samples(prediction.getKey(), predictions.keySet()).stream()
            .map(predictions::get).toList();
        annotatorScores.put(prediction.getKey(), AnnotatorScores.score(prediction.getValue(), samples, masks,
            reference));
      }
    }
    return new Scored(annotations, referenceScores, annotatorScores, masks.size(),
        (int) masks.stream().filter(Evaluator::isEmpty).count(), keep ? image : null, keep ? rows : null,
        keep ? masks : null);
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
