package org.dlema.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.DatasetException;
import org.dlema.data.ImageFiles;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.augment.Augmenter;
import org.dlema.data.preprocess.Normalization;
import org.dlema.data.preprocess.Resize;
import org.dlema.io.Progress;

/**
 * Images and masks at the network size, held in memory for training: images normalised (height, width, 3), every
 * annotation as a 0/1 map, and the reference mask when the dataset keeps one ({@code reference/<id>_reference.png},
 * written by the simulator) so that validation can also be scored against it.
 */
public record PreparedSet(List<String> ids, float[][] images, float[][][] masks, float[][] references, int side) {

  public int count() {
    return ids.size();
  }

  /**
   * Images and labels of (image index, annotation index) items, laid out as a batch, and when asked for, one more
   * per-image map of every item under the same transform as its label (else null).
   */
  record Batch(float[] images, float[] labels, float[] maps) {}

  Batch batch(int[][] items) {
    return batch(items, null, 0);
  }

  /**
   * A batch whose every image and its mask went through {@code augmenter} (none when null), item k with the random
   * stream seeded by (seed, k): the caller's seed covers the run, the step and the batch's role.
   */
  Batch batch(int[][] items, Augmenter augmenter, long seed) {
    long[] seeds = new long[items.length];
    for (int k = 0; k < seeds.length; k++) {
      seeds[k] = EpochSampler.mix(seed, k);
    }
    return batch(items, augmenter, seeds, null);
  }

  /**
   * As {@link #batch(int[][], Augmenter, long)}, item k augmented with the stream seeded by {@code seeds[k]}; when
   * {@code maps} is not null, {@code maps[image]} goes through each item's transform too (the augmenter draws the
   * same values whatever the number of masks, so the images and labels do not depend on it).
   */
  Batch batch(int[][] items, Augmenter augmenter, long[] seeds, float[][] maps) {
    int pixels = side * side;
    float[] x = new float[items.length * pixels * 3];
    float[] y = new float[items.length * pixels];
    float[] z = maps == null ? null : new float[items.length * pixels];
    for (int k = 0; k < items.length; k++) {
      int image = items[k][0];
      float[] mask = masks[image][items[k][1]];
      float[][] targets = maps == null ? new float[][] {mask} : new float[][] {mask, maps[image]};
      float[] outImage = images[image];
      if (augmenter != null) {
        Augmenter.Augmented a = augmenter.apply(outImage, targets, new SplittableRandom(seeds[k]));
        outImage = a.image();
        targets = a.masks();
      }
      System.arraycopy(outImage, 0, x, k * pixels * 3, pixels * 3);
      System.arraycopy(targets[0], 0, y, k * pixels, pixels);
      if (z != null) {
        System.arraycopy(targets[1], 0, z, k * pixels, pixels);
      }
    }
    return new Batch(x, y, z);
  }

  /** The images at {@code indices}, in that order, with their targets. */
  PreparedSet subset(List<Integer> indices) {
    return new PreparedSet(indices.stream().map(ids::get).toList(),
        indices.stream().map(i -> images[i]).toArray(float[][]::new),
        indices.stream().map(i -> masks[i]).toArray(float[][][]::new),
        references == null ? null : indices.stream().map(i -> references[i]).toArray(float[][]::new), side);
  }

  /** The same images with other targets. */
  PreparedSet withMasks(float[][][] targets) {
    return new PreparedSet(ids, images, targets, references, side);
  }

  public boolean hasReferences() {
    return references != null;
  }

  /** Batches held at once: one being assembled, the background queue's, and the one fed to the session. */
  private static final int BATCHES_HELD = 4;

  /**
   * Refuses, before any image is read, a set whose prepared floats (and, when training, batches) the Java heap cannot
   * hold with half of it left for graphs and decoding, saying what would fit.
   *
   * @param batch images per training batch, or 0 for a set that is only scored
   */
  static void requireHeap(MultiAnnotatedDataset dataset, int side, int batch) {
    long budget = Runtime.getRuntime().maxMemory() / 2;
    long perBatchImage = 4L * side * side * (3 + 1) * BATCHES_HELD;
    if (perBatchImage * batch > budget) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "a batch of %d images at %d x %d takes about "
          + "%.1f GB of the Java heap and %.1f GB is available for it (at most about %d images per batch); use a "
          + "smaller batch, or give Java more memory with DLEMA_JAVA_OPTS=-Xmx<size>", batch, side, side,
          perBatchImage * batch / 1e9, budget / 1e9, budget / perBatchImage));
    }
    budget -= perBatchImage * batch;
    long perImage = 4L * side * side * (3 + dataset.maxAnnotations() + 1);
    long needed = perImage * dataset.size();
    if (needed > budget) {
      throw new DatasetException(dataset.source(), String.format(Locale.ROOT, "%d images at %d x %d take about "
          + "%.1f GB of the Java heap in training and %.1f GB is available for them (about %d images fit); give "
          + "Java more memory with DLEMA_JAVA_OPTS=-Xmx<size>, or use fewer images", dataset.size(), side, side,
          needed / 1e9, budget / 1e9, budget / perImage));
    }
  }

  public static PreparedSet of(MultiAnnotatedDataset dataset, int side, Normalization normalization,
      Progress progress) {
    List<AnnotatedImage> entries = dataset.images();
    int n = entries.size();
    requireHeap(dataset, side, 0);
    float[][] images = new float[n][];
    float[][][] masks = new float[n][][];
    float[][] references = ReferenceMasks.complete(dataset) ? new float[n][] : null;
    IntStream.range(0, n).parallel().forEach(i -> {
      LoadedImage loaded = LoadedImage.load(entries.get(i));
      float[] pixels = Resize.image(loaded.image(), side, side);
      normalization.apply(pixels);
      images[i] = pixels;
      masks[i] = new float[loaded.masks().size()][];
      for (int k = 0; k < masks[i].length; k++) {
        masks[i][k] = Resize.mask(loaded.masks().get(k), side, side).toFloats();
      }
      if (references != null) {
        references[i] = ReferenceMasks.file(dataset, entries.get(i))
            .map(file -> Resize.mask(ImageFiles.readMask(file).mask(), side, side).toFloats()).orElse(null);
      }
      progress.step();
    });
    progress.done();
    boolean complete = references != null && Arrays.stream(references).allMatch(r -> r != null);
    return new PreparedSet(entries.stream().map(AnnotatedImage::id).toList(), images, masks,
        complete ? references : null, side);
  }
}
