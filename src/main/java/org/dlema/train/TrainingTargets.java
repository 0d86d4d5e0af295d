package org.dlema.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.BinaryMask;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.agreement.Agreement;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.partition.PartitionRule;
import org.dlema.data.staple.Staple;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/**
 * What a single-network method trains on, formed from the training images and their annotations:
 * <ul>
 *   <li>{@code baseline} (Table 1 row A): every image with all its annotations, one drawn per image per batch;</li>
 *   <li>{@code less-is-more} (row J, Ribeiro et al. 2020): only the images whose mean pairwise Cohen's kappa between
 *       annotations is at least a threshold (0.5 by default); images with one annotation are kept;</li>
 *   <li>{@code staple}: every image with one target, the STAPLE consensus of its annotations (at the network's
 *       size);</li>
 *   <li>{@code mc-dropout} (Table 2): the images of one non-contradictory subset C^i, each with its annotation in
 *       C^i, the data D-LEMA member i trusts (same split, same partition for the same seed and M).</li>
 * </ul>
 * What was kept is written to {@code training-set.json} at the start and read back on resume, so a resumed run
 * trains on exactly the same set.
 */
public final class TrainingTargets {
  public static final String FILE = "training-set.json";
  public static final double DEFAULT_MIN_KAPPA = 0.5;

  /**
   * The record of a run's training set.
   *
   * @param minKappa less-is-more only: the threshold
   * @param dropped less-is-more only: the images left out, with their mean pairwise kappa
   * @param subset mc-dropout only: i of C^i (1-based), of {@code subsets}
   * @param annotations mc-dropout only: the annotation index each kept image trains on
   */
  public record Selection(Method method, Double minKappa, int kept, Map<String, Double> dropped, Integer subset,
      Integer subsets, Map<String, Integer> annotations) {
    static Selection of(Method method, int kept) {
      return new Selection(method, null, kept, Map.of(), null, null, null);
    }
  }

  private TrainingTargets() {}

  /**
   * A method's own settings.
   *
   * @param minKappa less-is-more: the agreement threshold
   * @param subset mc-dropout: which subset C^i (1-based) to train on
   * @param subsets mc-dropout: M, the partition's size (the D-LEMA run's member count)
   */
  public record Options(double minKappa, int subset, int subsets) {
    public static Options defaults() {
      return new Options(DEFAULT_MIN_KAPPA, 1, 1);
    }
  }

  /** Decides the selection of a new run (reads every training mask for less-is-more); nothing is written. */
  static Selection select(Method method, Options options, long seed, MultiAnnotatedDataset training,
      PrintStream log) throws IOException {
    double minKappa = options.minKappa();
    int subset = options.subset();
    int subsets = options.subsets();
    Selection selection;
    if (method == Method.LESS_IS_MORE) {
      List<AnnotatedImage> images = training.images();
      double[] kappa = new double[images.size()];
      Progress progress = Progress.on(log, "annotator agreement", images.size());
      IntStream.range(0, images.size()).parallel().forEach(i -> {
        kappa[i] = Agreement.meanPairwiseKappa(LoadedImage.load(images.get(i)).masks());
        progress.step();
      });
      progress.done();
      Map<String, Double> dropped = new TreeMap<>();
      for (int i = 0; i < kappa.length; i++) {
        if (!Double.isNaN(kappa[i]) && kappa[i] < minKappa) {
          dropped.put(images.get(i).id(), kappa[i]);
        }
      }
      if (dropped.size() == images.size()) {
        throw new NothingLeftException("every training image has a mean pairwise kappa below " + minKappa
            + ": the agreement threshold leaves no image to train on");
      }
      selection = new Selection(method, minKappa, images.size() - dropped.size(), dropped, null, null, null);
    } else if (method == Method.MC_DROPOUT) {
      if (subset < 1 || subset > subsets) {
        throw new IllegalArgumentException("the subset must be in 1.." + subsets + ", got " + subset);
      }
      NonContradictoryPartition partition = NonContradictoryPartition.create(training, subsets,
          PartitionRule.UNIFORM, seed);
      Map<String, Integer> annotations = new TreeMap<>();
      for (NonContradictoryPartition.AnnotationRef ref : partition.subset(subset - 1)) {
        annotations.put(ref.imageId(), ref.annotation());
      }
      if (annotations.isEmpty()) {
        throw new NothingLeftException("subset C^" + subset + " of " + subsets + " is empty");
      }
      selection = new Selection(method, null, annotations.size(), Map.of(), subset, subsets, annotations);
    } else {
      selection = Selection.of(method, training.size());
    }
    return selection;
  }

  /** Saves a new run's selection, beside its config. */
  static void save(Path run, Selection selection) throws IOException {
    JsonFiles.write(run.resolve(FILE), selection);
  }

  /** The selection a run recorded; a baseline run without the file keeps everything. */
  static Selection load(Path run, Method method, MultiAnnotatedDataset training) throws IOException {
    Path file = run.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      if (method != Method.BASELINE) {
        throw new IOException(run + ": no " + FILE + " for a " + method + " run");
      }
      return Selection.of(method, training.size());
    }
    return JsonFiles.read(file, Selection.class);
  }

  /** The prepared training images as the method sees them. */
  static PreparedSet apply(Selection selection, PreparedSet train) {
    return switch (selection.method()) {
      case LESS_IS_MORE -> {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < train.count(); i++) {
          if (!selection.dropped().containsKey(train.ids().get(i))) {
            kept.add(i);
          }
        }
        yield train.subset(kept);
      }
      case STAPLE -> {
        float[][][] consensus = new float[train.count()][][];
        IntStream.range(0, train.count()).parallel().forEach(i -> {
          List<boolean[]> annotations = new ArrayList<>();
          for (float[] mask : train.masks()[i]) {
            annotations.add(BinaryMask.ofFloats(mask, train.side(), train.side()).toBooleans());
          }
          float[] target = new BinaryMask(train.side(), train.side(), Staple.estimate(annotations).mask()).toFloats();
          consensus[i] = new float[][] {target};
        });
        yield train.withMasks(consensus);
      }
      case MC_DROPOUT -> {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < train.count(); i++) {
          if (selection.annotations().containsKey(train.ids().get(i))) {
            kept.add(i);
          }
        }
        PreparedSet subset = train.subset(kept);
        float[][][] trusted = new float[subset.count()][][];
        for (int i = 0; i < trusted.length; i++) {
          trusted[i] = new float[][] {subset.masks()[i][selection.annotations().get(subset.ids().get(i))]};
        }
        yield subset.withMasks(trusted);
      }
      default -> train;
    };
  }
}
