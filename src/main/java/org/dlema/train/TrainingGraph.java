package org.dlema.train;

import java.util.List;
import java.util.function.Function;
import org.dlema.graph.AleatoricLoss;
import org.dlema.graph.Mode;
import org.dlema.graph.NetworkOutputs;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Tensors;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** The plain training step: the mean aleatoric loss of a batch, minimised by momentum SGD with weight decay. */
public final class TrainingGraph extends NetworkGraph {
  private final int batch;
  private final Placeholder<TFloat32> images;
  private final Placeholder<TFloat32> labels;
  private final Placeholder<TInt64> noiseSeed;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Op step;

  public TrainingGraph(NetworkSpec spec, TrainingSettings settings) {
    super(spec, settings);
    batch = settings.batchSize();
    images = tf.withName("train.images").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batch, size, size, 3)));
    labels = tf.withName("train.labels").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batch, size, size, 1)));
    noiseSeed = tf.withName("train.noise_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    learningRate = tf.withName("train.learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

    // MC dropout draws its masks from the step's seed too, on a stream of its own.
    Operand<TInt64> dropoutSeed = spec.hasDropout()
        ? tf.math.add(noiseSeed, tf.constant(new long[] {0x64726f70L, 0})) : null;
    NetworkOutputs out = net.build(params, images, tf.constant(batch), Mode.TRAIN, dropoutSeed);
    int samples = settings.mcSamples();
    Operand<TFloat32> lossMap = AleatoricLoss.lossMap(tf, out.logit(), out.logVariance(), labels,
        AleatoricLoss.noise(tf, settings.noiseDraw(), samples, batch, size, noiseSeed), samples);
    loss = tf.withName("train.loss").math.mean(lossMap, tf.constant(new int[] {0, 1, 2, 3}));
    Output<?>[] gradients = gradients("gradients", loss, outputsOf(params.trainable()));
    step = momentumStep(gradients, learningRate, out, averagedPass(images, dropoutSeed), List.of());
    finish();
  }

  /** One optimisation step on a batch; returns the loss (NaN or infinite when training diverged). */
  public float trainStep(float[] batchImages, float[] batchLabels, long noiseStep, float rate) {
    return run(batchImages, batchLabels, noiseStep, rate, Session.Runner::run,
        result -> ((TFloat32) result.get(0)).getFloat());
  }

  /**
   * The same step, traced: every op's start and end (the benchmark's profile of where a step's time goes); with
   * {@code graphs}, also the graph as TensorFlow rewrote and placed it (which ops a rewrite changed).
   */
  public RunMetadata tracedStep(float[] batchImages, float[] batchLabels, long noiseStep, float rate,
      boolean graphs) {
    RunOptions traced = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
        .setOutputPartitionGraphs(graphs).build();
    return run(batchImages, batchLabels, noiseStep, rate, runner -> runner.setOptions(traced).runAndFetchMetadata(),
        result -> result.getMetadata().orElseThrow(() -> new IllegalStateException("TensorFlow returned no trace")));
  }

  /** One step with its feeds made and closed here; {@code call} runs the runner, {@code read} takes the answer. */
  private <T> T run(float[] batchImages, float[] batchLabels, long noiseStep, float rate,
      Function<Session.Runner, Result> call, Function<Result, T> read) {
    try (TFloat32 x = Tensors.of(batchImages, Shape.of(batch, size, size, 3));
        TFloat32 y = Tensors.of(batchLabels, Shape.of(batch, size, size, 1));
        TInt64 seed = TInt64.vectorOf(settings.seed(), noiseStep);
        TFloat32 lr = TFloat32.scalarOf(rate);
        Result result = call.apply(session().runner().feed(images, x).feed(labels, y).feed(noiseSeed, seed)
            .feed(learningRate, lr).addTarget(step).fetch(loss))) {
      return read.apply(result);
    }
  }
}
