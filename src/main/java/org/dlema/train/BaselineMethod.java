package org.dlema.train;

import java.util.Map;
import org.dlema.graph.NetworkSpec;

/**
 * Paper Table 1 row A: every image of the batch comes with one of its annotations drawn at random, and the network
 * minimises the unweighted aleatoric loss.
 */
final class BaselineMethod extends NetworkMethod<TrainingGraph> {
  private final PreparedSet train;
  private final EpochSampler sampler;

  BaselineMethod(NetworkSpec spec, TrainingSettings settings, PreparedSet train) {
    super(new TrainingGraph(spec, settings));
    this.train = train;
    this.sampler = new EpochSampler(settings.seed(), settings.batchSize(), train.count());
  }

  @Override
  public StepResult step(long step, float learningRate) {
    int[] images = sampler.batch(step);
    int[][] items = new int[images.length][];
    for (int k = 0; k < images.length; k++) {
      items[k] = new int[] {images[k], sampler.random(step, k).nextInt(train.masks()[images[k]].length)};
    }
    PreparedSet.Batch batch = train.batch(items);
    return new StepResult(graph.trainStep(batch.images(), batch.labels(), step, learningRate), Map.of());
  }
}
