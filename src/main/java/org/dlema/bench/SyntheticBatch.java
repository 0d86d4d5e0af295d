package org.dlema.bench;

import java.util.Random;

/**
 * A fixed noisy batch of Gaussian images with random binary labels, and a clean batch that repeats its images: the
 * inputs the step timings run on (the time of a step does not depend on what the pixels hold).
 */
record SyntheticBatch(float[] images, float[] labels, float[] cleanImages, float[] cleanLabels) {
  /** {@code batch} noisy and {@code cleanBatch} clean images of {@code side} x {@code side}, from seed 7. */
  static SyntheticBatch of(int side, int batch, int cleanBatch) {
    Random random = new Random(7);
    float[] images = new float[batch * side * side * 3];
    float[] labels = new float[batch * side * side];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextBoolean() ? 1f : 0f;
    }
    float[] cleanImages = new float[cleanBatch * side * side * 3];
    float[] cleanLabels = new float[cleanBatch * side * side];
    for (int i = 0; i < cleanImages.length; i++) {
      cleanImages[i] = images[i % images.length];
    }
    for (int i = 0; i < cleanLabels.length; i++) {
      cleanLabels[i] = labels[i % labels.length];
    }
    return new SyntheticBatch(images, labels, cleanImages, cleanLabels);
  }
}
