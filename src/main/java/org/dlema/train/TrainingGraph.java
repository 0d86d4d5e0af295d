package org.dlema.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlema.graph.AleatoricLoss;
import org.dlema.graph.LinkNet;
import org.dlema.graph.Mode;
import org.dlema.graph.NetworkOutputs;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One graph with the plain training step (unweighted aleatoric loss, momentum SGD with weight decay) and an
 * inference pass that shares its weights. Every variable write of the step waits behind one barrier on all of the
 * step's gradients: reference variables are updated in place, and without the barrier a backward op could read a
 * weight that another update already changed (wrong gradients and run-to-run differences).
 */
public final class TrainingGraph implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final int size;
  private final int batch;
  private final Placeholder<TFloat32> images;
  private final Placeholder<TFloat32> labels;
  private final Placeholder<TInt64> noiseSeed;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final Placeholder<TFloat32> inferenceImages;
  private final Operand<TFloat32> probability;
  private final Parameters params;
  private final long settingsSeed;

  public TrainingGraph(NetworkSpec spec, TrainingSettings settings) {
    Ops tf = Ops.create(graph);
    size = spec.inputSize();
    batch = settings.batchSize();
    settingsSeed = settings.seed();
    LinkNet net = new LinkNet(spec);
    params = new Parameters(tf, settings.seed(), "");

    images = tf.withName("train.images").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batch, size, size, 3)));
    labels = tf.withName("train.labels").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batch, size, size, 1)));
    noiseSeed = tf.withName("train.noise_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    learningRate = tf.withName("train.learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

    NetworkOutputs out = net.build(params, images, tf.constant(batch), Mode.TRAIN);
    // The noise shape is a constant: a shape read from a tensor would put an op without a gradient on the path.
    Operand<TFloat32> noise = tf.random.statelessRandomNormal(
        tf.constant(new long[] {settings.mcSamples(), batch, size, size, 1}), noiseSeed);
    Operand<TFloat32> lossMap = AleatoricLoss.lossMap(tf, out.logit(), out.logVariance(), labels, noise,
        settings.mcSamples());
    loss = tf.withName("train.loss").math.mean(lossMap, tf.constant(new int[] {0, 1, 2, 3}));

    List<Variable<TFloat32>> variables = params.trainable();
    Output<?>[] xs = variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
    // Seeding dy explicitly avoids the OnesLike op that addGradients would insert.
    Output<?>[] gradients = graph.addGradients("gradients", new Output<?>[] {loss.asOutput()}, xs,
        new Output<?>[] {tf.constant(1f).asOutput()});

    Ops after = tf.withControlDependencies(barrier(tf, gradients));
    Operand<TFloat32> rate = learningRate;
    Operand<TFloat32> momentum = tf.constant((float) settings.momentum());
    Operand<TFloat32> decay = tf.constant((float) settings.weightDecay());
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> v = variables.get(i);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) gradients[i];
      Ops init = tf.withInitScope();
      Variable<TFloat32> accumulator = tf.withName(v.op().name() + ".momentum")
          .variable(init.zeros(init.constant(v.shape()), TFloat32.class));
      // L2 weight decay folded into the gradient, as SGD's weight_decay does: g + wd * w.
      Operand<TFloat32> decayed = after.math.add(g, after.math.mul(decay, v));
      updates.add(after.train.applyMomentum(v, accumulator, rate, decayed, momentum));
    }
    updates.addAll(out.batchNormUpdates(after));
    step = tf.withControlDependencies(updates).withName("train.step").noOp();

    inferenceImages = tf.withName("infer.images").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, size, size, 3)));
    NetworkOutputs inference = net.build(params.shared(), inferenceImages,
        LinkNet.batchSize(tf, inferenceImages), Mode.INFERENCE);
    probability = tf.math.sigmoid(inference.logit());
    session = new Session(graph);
  }

  /** One op per gradient, to hang the step's control dependencies on. */
  private static List<Op> barrier(Ops tf, Output<?>[] gradients) {
    List<Op> ops = new ArrayList<>();
    for (Output<?> g : gradients) {
      ops.add(tf.identity(g));
    }
    return ops;
  }

  /** One optimisation step on a batch; returns the loss (NaN or infinite when training diverged). */
  public float trainStep(float[] batchImages, float[] batchLabels, long noiseStep, float rate) {
    try (TFloat32 x = Tensors.of(batchImages, Shape.of(batch, size, size, 3));
        TFloat32 y = Tensors.of(batchLabels, Shape.of(batch, size, size, 1));
        TInt64 seed = TInt64.vectorOf(settingsSeed, noiseStep);
        TFloat32 lr = TFloat32.scalarOf(rate);
        var result = session.runner().feed(images, x).feed(labels, y).feed(noiseSeed, seed)
            .feed(learningRate, lr).addTarget(step).fetch(loss).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /** Loads the variables of a checkpoint folder (see {@link Checkpoints}). */
  public void restore(Path checkpoint) {
    session.restore(Checkpoints.variables(checkpoint).toString());
  }

  /** Inference-mode probabilities of {@code n} normalised images (n, size, size, 3), as (n, size, size). */
  public float[] predict(float[] images, int n) {
    try (TFloat32 input = Tensors.of(images, Shape.of(n, size, size, 3));
        var result = session.runner().feed(inferenceImages, input).fetch(probability).run()) {
      return Tensors.toArray((TFloat32) result.get(0));
    }
  }

  public Session session() {
    return session;
  }

  public Graph graph() {
    return graph;
  }

  public int size() {
    return size;
  }

  public int batch() {
    return batch;
  }

  public Parameters parameters() {
    return params;
  }










  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
