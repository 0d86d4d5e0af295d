package org.dlema.train;

import java.util.SplittableRandom;

/**
 * Which items make up the batch of step s: items are visited in a fresh seeded permutation per epoch, and the
 * batch is a pure function of (seed, s), so that a resumed run sees exactly the batches an uninterrupted one would.
 */
final class EpochSampler {
  private final long seed;
  private final int batch;
  private final int items;
  private long cachedEpoch = -1;
  private int[] cachedOrder;

  EpochSampler(long seed, int batch, int items) {
    if (items < 1) {
      throw new IllegalArgumentException("nothing to sample from");
    }
    this.seed = seed;
    this.batch = batch;
    this.items = items;
  }

  /** The item indices of step {@code step}'s batch. */
  int[] batch(long step) {
    int[] out = new int[batch];
    for (int k = 0; k < batch; k++) {
      long position = step * batch + k;
      out[k] = order(position / items)[(int) (position % items)];
    }
    return out;
  }

  /** A random stream owned by one position of one step (e.g. to draw an image's annotation). */
  SplittableRandom random(long step, int k) {
    return new SplittableRandom(mix(seed, step * batch + k));
  }

  private int[] order(long epoch) {
    if (epoch != cachedEpoch) {
      int[] order = new int[items];
      for (int i = 0; i < items; i++) {
        order[i] = i;
      }
      SplittableRandom random = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, epoch));
      for (int i = items - 1; i > 0; i--) {
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

  /** SplitMix64's finaliser over (seed, value): well-mixed seeds for neighbouring values. */
  static long mix(long seed, long value) {
    long z = seed * 0x9E3779B97F4A7C15L + value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
