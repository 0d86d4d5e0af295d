package org.dlema.train;

import java.util.Map;
import org.dlema.data.augment.Augmenter;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;

/**
 * Paper Table 1 row A: every image of the batch comes with one of its annotations drawn at random, and the network
 * minimises the unweighted aleatoric loss.
 */
final class BaselineMethod extends NetworkMethod<TrainingGraph, PreparedSet.Batch> {
  private final PreparedSet train;
  private final EpochSampler sampler;
  private final Augmenter augmenter;
  private final long seed;

  BaselineMethod(NetworkSpec spec, TrainingSettings settings, PreparedSet train, Normalization normalization) {
    super(new TrainingGraph(spec, settings));
    this.train = train;
    this.sampler = new EpochSampler(settings.seed(), settings.batchSize(), train.count());
    this.augmenter = augmenter(settings, normalization, spec.inputSize());
    this.seed = settings.seed();
  }

  @Override
  public PreparedSet.Batch inputs(long step) {
    int[] images = sampler.batch(step);
    int[][] items = new int[images.length][];
    for (int k = 0; k < images.length; k++) {
      items[k] = new int[] {images[k], sampler.random(step, k).nextInt(train.masks()[images[k]].length)};
    }
    return train.batch(items, augmenter, EpochSampler.mix(seed ^ AUGMENTATION_STREAM, step));
  }

  @Override
  public StepResult step(long step, PreparedSet.Batch batch, float learningRate) {
    return new StepResult(graph.trainStep(batch.images(), batch.labels(), step, learningRate), Map.of());
  }
}
