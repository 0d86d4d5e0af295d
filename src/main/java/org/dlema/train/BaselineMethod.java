package org.dlema.train;

import java.nio.file.Path;
import java.util.Map;
import org.dlema.graph.NetworkSpec;
import org.tensorflow.Session;

/**
 * Paper Table 1 row A: every image of the batch comes with one of its annotations drawn at random, and the network
 * minimises the unweighted aleatoric loss.
 */
final class BaselineMethod implements TrainingMethod {
  private final TrainingGraph graph;
  private final PreparedSet train;
  private final EpochSampler sampler;
  private final int batch;
  private final int pixels;

  BaselineMethod(NetworkSpec spec, TrainingSettings settings, PreparedSet train) {
    this.graph = new TrainingGraph(spec, settings);
    this.train = train;
    this.sampler = new EpochSampler(settings.seed(), settings.batchSize(), train.count());
    this.batch = settings.batchSize();
    this.pixels = spec.inputSize() * spec.inputSize();
  }

  @Override
  public StepResult step(long step, float learningRate) {
    int[] images = sampler.batch(step);
    float[] x = new float[batch * pixels * 3];
    float[] y = new float[batch * pixels];
    for (int k = 0; k < batch; k++) {
      float[][] masks = train.masks()[images[k]];
      int annotation = sampler.random(step, k).nextInt(masks.length);
      System.arraycopy(train.images()[images[k]], 0, x, k * pixels * 3, pixels * 3);
      System.arraycopy(masks[annotation], 0, y, k * pixels, pixels);
    }
    return new StepResult(graph.trainStep(x, y, step, learningRate), Map.of());
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
