package org.dlema.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Tensors;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The {@link Trainer}'s iteration of the baseline method, taken apart for the benchmark: the same
 * {@link BaselineMethod} over a synthetic {@link PreparedSet}, run three ways on the same graph:
 * <ul>
 *   <li>{@link #inline}: {@code inputs(step)} (batch assembly) then {@code step(...)} (tensors, feeds, fetch),
 *       both on the calling thread;
 *   <li>{@link #queued}: the inputs taken from a {@link BatchQueue} that makes them on a background thread, as the
 *       Trainer does, then {@code step(...)};
 *   <li>{@link #bare}: one {@code session.run} of the same step op, fed tensors made once.
 * </ul>
 * The difference between an iteration and the bare run is what the Java side costs per step.
 */
public final class IterationProbe implements AutoCloseable {
  /** Annotations per synthetic image, so that the baseline's annotation draw has a choice. */
  private static final int MASKS = 3;

  private final BaselineMethod method;
  private final TrainingSettings settings;
  private final BatchQueue<PreparedSet.Batch> queue;
  /**
   * BaselineMethod.inputs is not thread-safe (its sampler caches the epoch's order); this keeps the inline caller
   * and the queue's thread apart. The queue makes its batches while the previous step runs, so the inline call
   * rarely waits.
   */
  private final Object inputsLock = new Object();
  private final List<Tensor> prepared = new ArrayList<>();
  private final TFloat32 images;
  private final TFloat32 labels;
  private final TInt64 seed;
  private final TFloat32 rate;
  private long inlineStep;
  private long queuedStep;

  /**
   * @param images how many synthetic images the prepared set holds (at least the batch)
   * @param steps how many {@link #queued} iterations will be asked for (the queue's end)
   */
  public IterationProbe(NetworkSpec spec, int batch, int images, long steps) {
    int side = spec.inputSize();
    int count = Math.max(images, batch);
    settings = TrainingSettings.builder(Method.BASELINE).batchSize(batch).steps((int) Math.max(1, steps)).build();
    method = new BaselineMethod(spec, settings, synthetic(count, side), new Normalization(new double[] {0, 0, 0},
        new double[] {1, 1, 1}, 0));
    try {
      method.session().initialize();
      PreparedSet.Batch first = method.inputs(0);
      this.images = keep(Tensors.of(first.images(), Shape.of(batch, side, side, 3)));
      this.labels = keep(Tensors.of(first.labels(), Shape.of(batch, side, side, 1)));
      this.seed = keep(TInt64.vectorOf(settings.seed(), 0));
      this.rate = keep(TFloat32.scalarOf((float) settings.learningRate(0)));
    } catch (RuntimeException e) {
      prepared.forEach(Tensor::close);
      method.close();
      throw e;
    }
    queue = new BatchQueue<>(step -> {
      synchronized (inputsLock) {
        return method.inputs(step);
      }
    }, 0, steps);
  }

  /** One iteration with the batch made on this thread. */
  public float inline() {
    long step = inlineStep++;
    PreparedSet.Batch inputs;
    synchronized (inputsLock) {
      inputs = method.inputs(step);
    }
    return method.step(step, inputs, (float) settings.learningRate(step)).loss();
  }

  /** One iteration with the batch made ahead by the queue's thread, as in {@link Trainer}. */
  public float queued() {
    long step = queuedStep++;
    PreparedSet.Batch inputs = queue.take(step);
    return method.step(step, inputs, (float) settings.learningRate(step)).loss();
  }

  /** The same step op run once on tensors made in the constructor: what the iteration costs without Java. */
  public float bare() {
    try (Result result = method.session().runner().feed("train.images", images).feed("train.labels", labels)
        .feed("train.noise_seed", seed).feed("train.learning_rate", rate).addTarget("train.step")
        .fetch("train.loss").run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  private <T extends Tensor> T keep(T tensor) {
    prepared.add(tensor);
    return tensor;
  }

  /** Normal pixel values (the set is already normalised) and random 0/1 annotations. */
  private static PreparedSet synthetic(int count, int side) {
    Random random = new Random(11);
    List<String> ids = new ArrayList<>();
    float[][] images = new float[count][side * side * 3];
    float[][][] masks = new float[count][MASKS][side * side];
    for (int i = 0; i < count; i++) {
      ids.add("synthetic-" + i);
      for (int p = 0; p < images[i].length; p++) {
        images[i][p] = (float) random.nextGaussian();
      }
      for (float[] mask : masks[i]) {
        for (int p = 0; p < mask.length; p++) {
          mask[p] = random.nextBoolean() ? 1f : 0f;
        }
      }
    }
    return new PreparedSet(ids, images, masks, null, side);
  }

  @Override
  public void close() {
    queue.close();
    prepared.forEach(Tensor::close);
    method.close();
  }
}
