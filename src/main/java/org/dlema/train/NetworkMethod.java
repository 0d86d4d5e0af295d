package org.dlema.train;

import java.nio.file.Path;
import org.tensorflow.Session;

/** The part of a training method that only hands through to its graph. */
abstract class NetworkMethod<G extends NetworkGraph> implements TrainingMethod {
  protected final G graph;

  NetworkMethod(G graph) {
    this.graph = graph;
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
  public void restore(Path checkpoint) {
    graph.restore(checkpoint);
  }

  @Override
  public void close() {
    graph.close();
  }
}
