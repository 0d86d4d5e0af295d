package org.dlema.train;

import java.io.IOException;
import java.nio.file.Path;
import org.dlema.data.augment.Augmenter;
import org.dlema.data.preprocess.Normalization;
import org.tensorflow.Session;

/** The part of a training method that only hands through to its graph. */
abstract class NetworkMethod<G extends NetworkGraph, I> implements TrainingMethod<I> {
  protected final G graph;

  NetworkMethod(G graph) {
    this.graph = graph;
  }

  /** Seed offset of the augmentation streams, apart from the batch draws. */
  static final long AUGMENTATION_STREAM = 0x617567L;

  /** The run's augmenter, or null when the settings transform nothing (the paper). */
  static Augmenter augmenter(TrainingSettings settings, Normalization normalization, int side) {
    return settings.augmentation().enabled() ? new Augmenter(settings.augmentation(), normalization, side) : null;
  }

  @Override
  public float[] predict(float[] images, int n) {
    return graph.predict(images, n);
  }

  @Override
  public Session session() {
    return graph.session();
  }

  @Override
  public void restore(Path checkpoint) throws IOException {
    graph.restore(checkpoint);
  }

  @Override
  public void close() {
    graph.close();
  }
}
