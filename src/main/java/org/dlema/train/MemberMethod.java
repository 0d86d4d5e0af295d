package org.dlema.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.dlema.data.augment.Augmenter;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;

/**
 * D-LEMA member i: the noisy batch comes from the union U of every annotation of every training image, the clean
 * batch from the member's non-contradictory subset C^i, and each step learns per-pixel weights of the noisy batch
 * by the meta step of {@link MemberGraph}. Both batches are pure functions of (seed, step), so members resume
 * exactly like the baseline.
 */
final class MemberMethod extends NetworkMethod<MemberGraph, MemberMethod.Inputs> {
  /**
   * The noisy batch (with its (image, annotation) items) and the clean batch of one step; the noisy batch's maps are
   * its images' disputed pixels (1 where their annotations disagree, under the same transform; null unless the
   * variant asks); each noisy item's augmentation seed takes its weight map back to the image's frame.
   */
  record Inputs(int[][] noisyItems, long[] noisySeeds, PreparedSet.Batch noisy, PreparedSet.Batch clean) {
    float[] disputed() {
      return noisy.maps();
    }
  }

  private final PreparedSet train;
  private final int[][] union;
  /** Per training image its disputed pixels; null unless the ensemble weighs the disputed region only. */
  private final float[][] disputed;
  private final int[][] trusted;
  private final EpochSampler noisy;
  private final EpochSampler clean;
  private final Augmenter augmenter;
  private final EnsembleSettings ensemble;
  /** Per training image, the annotation it has in C^i, or -1. */
  private final int[] trustedAnnotation;
  private final long seed;
  private final int noisyBatch;
  private final int cleanBatch;
  private final int pixels;
  private final Set<Integer> sampled = new TreeSet<>();
  private final WeightMaps weightMaps;
  private final List<List<String>> maskFiles;
  private int[][] lastItems;
  private float[] lastWeights;

  /**
   * @param trusted (image index, annotation index) pairs of C^i in the training set
   * @param maskNames per image index, the file names of its masks (for the weight-map index)
   */
  MemberMethod(NetworkSpec spec, TrainingSettings settings, EnsembleSettings ensemble, PreparedSet train,
      int[][] trusted, List<List<String>> maskNames, Path run, Normalization normalization) throws IOException {
    super(new MemberGraph(spec, settings, ensemble));
    this.ensemble = ensemble;
    this.train = train;
    List<int[]> items = new ArrayList<>();
    for (int image = 0; image < train.count(); image++) {
      for (int k = 0; k < train.masks()[image].length; k++) {
        items.add(new int[] {image, k});
      }
    }
    this.union = items.toArray(int[][]::new);
    this.disputed = ensemble.weightRegion() == EnsembleSettings.WeightRegion.DISPUTED ? disputedPixels(train) : null;
    this.trusted = trusted;
    this.trustedAnnotation = new int[train.count()];
    Arrays.fill(trustedAnnotation, -1);
    for (int[] item : trusted) {
      trustedAnnotation[item[0]] = item[1];
    }
    this.noisyBatch = settings.batchSize();
    this.cleanBatch = ensemble.cleanBatch();
    this.noisy = new EpochSampler(EpochSampler.mix(settings.seed(), 1), noisyBatch, union.length);
    this.clean = new EpochSampler(EpochSampler.mix(settings.seed(), 2), cleanBatch, trusted.length);
    this.pixels = spec.inputSize() * spec.inputSize();
    this.augmenter = augmenter(settings, normalization, spec.inputSize());
    this.seed = settings.seed();
    for (int image = 0; image < Math.min(ensemble.weightSamples(), train.count()); image++) {
      sampled.add(image);
    }
    this.maskFiles = maskNames;
    this.weightMaps = WeightMaps.load(run, spec.inputSize());
  }

  @Override
  public Inputs inputs(long step) {
    int[] noisyDraw = noisy.batch(step);
    int[] cleanDraw = clean.batch(step);
    int[][] noisyItems = new int[noisyBatch][];
    for (int k = 0; k < noisyBatch; k++) {
      noisyItems[k] = union[noisyDraw[k]];
    }
    long stream = EpochSampler.mix(seed ^ AUGMENTATION_STREAM, step);
    long[] noisySeeds = new long[noisyBatch];
    for (int k = 0; k < noisyBatch; k++) {
      noisySeeds[k] = EpochSampler.mix(EpochSampler.mix(stream, 1), k);
    }
    int[][] cleanItems = new int[cleanBatch][];
    long[] cleanSeeds = new long[cleanBatch];
    int filled = 0;
    if (ensemble.cleanSource() == EnsembleSettings.CleanSource.NOISY_FIRST) {
      // The noisy batch's own images with their trusted annotations, under the same transform as their noisy
      // copy: the contradiction at the very pixels weighed.
      for (int k = 0; k < noisyBatch && filled < cleanBatch; k++) {
        int image = noisyItems[k][0];
        if (trustedAnnotation[image] >= 0) {
          cleanSeeds[filled] = noisySeeds[k];
          cleanItems[filled++] = new int[] {image, trustedAnnotation[image]};
        }
      }
    }
    for (int k = 0; filled < cleanBatch; k++) {
      cleanSeeds[filled] = EpochSampler.mix(EpochSampler.mix(stream, 2), filled);
      cleanItems[filled++] = trusted[cleanDraw[k]];
    }
    return new Inputs(noisyItems, noisySeeds, train.batch(noisyItems, augmenter, noisySeeds, disputed),
        train.batch(cleanItems, augmenter, cleanSeeds, null));
  }

  /** Per image one map: 1 where its annotations disagree (at the 0.5 threshold), else 0. */
  static float[][] disputedPixels(PreparedSet set) {
    float[][] maps = new float[set.count()][];
    for (int image = 0; image < set.count(); image++) {
      float[][] masks = set.masks()[image];
      float[] map = new float[masks[0].length];
      for (int p = 0; p < map.length; p++) {
        boolean first = masks[0][p] > 0.5f;
        for (int k = 1; k < masks.length && map[p] == 0; k++) {
          map[p] = (masks[k][p] > 0.5f) != first ? 1f : 0f;
        }
      }
      maps[image] = map;
    }
    return maps;
  }

  @Override
  public StepResult step(long step, Inputs inputs, float learningRate) {
    lastItems = inputs.noisyItems();
    MemberGraph.Step result = graph.trainStep(new MemberGraph.Batch(inputs.noisy().images(), inputs.noisy().labels(),
        inputs.clean().images(), inputs.clean().labels(), inputs.disputed()), step, learningRate,
        step >= ensemble.metaWarmup());
    lastWeights = result.weights();
    float scale = noisyBatch * pixels;
    float max = 0;
    for (float w : result.weights()) {
      max = Math.max(max, w);
    }
    for (int k = 0; k < noisyBatch; k++) {
      int[] item = lastItems[k];
      if (sampled.contains(item[0])) {
        float[] map = new float[pixels];
        for (int p = 0; p < pixels; p++) {
          map[p] = result.weights()[k * pixels + p] * scale;
        }
        // Kept in the image's own frame: a flipped or turned map is turned back; a zoomed or shifted one is not kept.
        if (augmenter != null) {
          map = augmenter.undo(map, new SplittableRandom(inputs.noisySeeds()[k]));
        }
        if (map != null) {
          weightMaps.put(train.ids().get(item[0]), item[1], maskFiles.get(item[0]).get(item[1]), step + 1, map);
        }
      }
    }
    Map<String, Double> figures = new HashMap<>();
    figures.put("weighted_loss", (double) result.weightedLoss());
    figures.put("zero_weight_fraction", (double) result.zeroFraction());
    figures.put("max_relative_weight", (double) (max * scale));
    figures.put("all_zero_steps", result.allZero() ? 1.0 : 0.0);
    return new StepResult(result.loss(), figures);
  }

  /** The training images this member learns from. */
  PreparedSet trainSet() {
    return train;
  }

  /** The (image, annotation) items of the last step's noisy batch, in batch order. */
  int[][] lastItems() {
    return lastItems;
  }

  /** The last step's normalised weights, (batch, side, side). */
  float[] lastWeights() {
    return lastWeights;
  }

  /** Random weights, or those of the ensemble's initial checkpoint (e.g. a trained baseline's best). */
  @Override
  public void initialize() throws IOException {
    session().initialize();
    if (ensemble.initialCheckpoint() != null) {
      Path checkpoint = ensemble.initialCheckpoint();
      if (!Files.isRegularFile(Checkpoints.variables(checkpoint).resolveSibling("model.index"))) {
        throw new IOException(checkpoint + ": not a checkpoint folder (no model.index)");
      }
      restore(checkpoint);
    }
  }

  @Override
  public void saveExtras(Path run) throws IOException {
    weightMaps.save(run);
  }
}
