package org.dlema.train;

import java.util.SplittableRandom;

/**
 * Which images and annotations make up the batch of step s: a pure function of (seed, s), so that a resumed run
 * sees exactly the batches an uninterrupted one would. Images are visited in a fresh seeded permutation per epoch;
 * for each image one of its annotations is drawn at random (the paper's baseline, Table 1 row A).
 */
final class BatchSampler {
  record Batch(int[] images, int[] annotations) {}

  private final long seed;
  private final int batch;
  private final int[] annotationCounts;
  private long cachedEpoch = -1;
  private int[] cachedOrder;

  BatchSampler(long seed, int batch, int[] annotationCounts) {
    this.seed = seed;
    this.batch = batch;
    this.annotationCounts = annotationCounts.clone();
  }

  Batch batch(long step) {
    int n = annotationCounts.length;
    int[] images = new int[batch];
    int[] annotations = new int[batch];
    for (int k = 0; k < batch; k++) {
      long position = step * batch + k;
      images[k] = order(position / n)[(int) (position % n)];
      annotations[k] = new SplittableRandom(mix(seed, position)).nextInt(annotationCounts[images[k]]);
    }
    return new Batch(images, annotations);
  }

  private int[] order(long epoch) {
    if (epoch != cachedEpoch) {
      int n = annotationCounts.length;
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      SplittableRandom random = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, epoch));
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      cachedOrder = order;
      cachedEpoch = epoch;
    }
    return cachedOrder;
  }

  static long mix(long seed, long value) {
    long z = seed * 0x9E3779B97F4A7C15L + value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
