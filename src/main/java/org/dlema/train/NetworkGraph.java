package org.dlema.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dlema.graph.LinkNet;
import org.dlema.graph.Mode;
import org.dlema.graph.NetworkOutputs;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.SessionThreads;
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
 * What every training graph has: the network's variables, an inference pass sharing them (validation), the
 * momentum SGD update behind the gradient barrier, a session and checkpoint restore. Subclasses add their step.
 */
abstract class NetworkGraph implements AutoCloseable {
  protected final Graph graph = new Graph();
  protected final Ops tf = Ops.create(graph);
  protected final NetworkSpec spec;
  protected final TrainingSettings settings;
  protected final LinkNet net;
  protected final Parameters params;
  protected final int size;
  private Placeholder<TFloat32> inferenceImages;
  private Operand<TFloat32> probability;
  private Session session;
  /** One momentum accumulator per variable, shared by every update op of the graph (a member's plain and meta step). */
  private final Map<String, Variable<TFloat32>> accumulators = new HashMap<>();
  /** Adam's count of updates made (its bias correction), shared like the accumulators; null with momentum. */
  private Variable<TFloat32> adamSteps;

  NetworkGraph(NetworkSpec spec, TrainingSettings settings) {
    this.spec = spec;
    this.settings = settings;
    this.net = new LinkNet(spec);
    this.params = settings.averageDecay() > 0 ? Parameters.averaging(tf, settings.seed(), "")
        : new Parameters(tf, settings.seed(), "");
    this.size = spec.inputSize();
  }

  /** Adds the inference pass and opens the session; subclasses call it last, once their step exists. */
  protected final void finish() {
    inferenceImages = tf.withName("infer.images").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, size, size, 3)));
    probability = net.infer(params.evaluated(), inferenceImages, LinkNet.batchSize(tf, inferenceImages)).probability();
    session = SessionThreads.open(graph);
  }

  /** The type of the graph's operation called {@code name} (null when there is none): for traced steps' profiles. */
  public final String operationType(String name) {
    var op = graph.operation(name);
    return op == null ? null : op.type();
  }

  /** d y / d xs with the seed dy = 1 given explicitly, which keeps an OnesLike op out of the graph. */
  protected final Output<?>[] gradients(String prefix, Operand<TFloat32> y, Output<?>[] xs) {
    return graph.addGradients(prefix, new Output<?>[] {y.asOutput()}, xs, new Output<?>[] {tf.constant(1f).asOutput()});
  }

  protected static Output<?>[] outputsOf(List<Variable<TFloat32>> variables) {
    return variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
  }

  /**
   * With weight averaging, the averaged network's training-mode pass over the step's batch, whose batch statistics
   * {@link #momentumStep} makes the averaged network's own batch-norm statistics (the optimiser's network's do not
   * match the averaged weights); null without averaging.
   */
  protected final NetworkOutputs averagedPass(Operand<TFloat32> images, Operand<TInt64> dropoutSeed) {
    if (!params.isAveraging()) {
      return null;
    }
    return net.build(params.evaluated(), images, LinkNet.batchSize(tf, images), Mode.TRAIN, dropoutSeed);
  }

  /**
   * The real update: momentum SGD with L2 weight decay folded into the gradient (g + wd * w, as SGD's weight_decay
   * does). Every write waits behind one barrier on all of {@code gradients} and on {@code alsoWaitFor}: reference
   * variables are updated in place, and without the barrier a backward op could read a weight that another update
   * already changed. {@code batchNorm} supplies the moving-average updates, created behind the same barrier. With
   * weight averaging ({@code averaged}, from {@link #averagedPass}) each average then moves towards its updated
   * variable, after the averaged pass has read it.
   */
  protected final Op momentumStep(Output<?>[] gradients, Operand<TFloat32> learningRate, NetworkOutputs batchNorm,
      NetworkOutputs averaged, List<Op> alsoWaitFor) {
    List<Op> barrier = new ArrayList<>(alsoWaitFor);
    for (Output<?> g : gradients) {
      barrier.add(tf.identity(g));
    }
    if (averaged != null) {
      // The step fetches nothing else of the averaged pass, so the ops it runs are those its batch statistics need,
      // and every average they read is read before the barrier opens; fetching its logit with the step would race.
      for (Operand<TFloat32> statistic : averaged.batchStatistics()) {
        barrier.add(tf.identity(statistic));
      }
    }
    boolean adam = settings.optimizer() == Optimizer.ADAM;
    Operand<TFloat32> beta1Power = null;
    Operand<TFloat32> beta2Power = null;
    if (adam) {
      if (adamSteps == null) {
        adamSteps = tf.withName("train.adam_steps").variable(tf.withInitScope().constant(0f));
      }
      // beta^t of this update, read before the barrier opens; the count moves on only after every update.
      Operand<TFloat32> t = tf.math.add(adamSteps, tf.constant(1f));
      beta1Power = tf.math.pow(tf.constant(Optimizer.ADAM_BETA1), t);
      beta2Power = tf.math.pow(tf.constant(Optimizer.ADAM_BETA2), t);
      barrier.add(tf.identity(beta1Power));
      barrier.add(tf.identity(beta2Power));
    }
    Ops after = tf.withControlDependencies(barrier);
    Operand<TFloat32> momentum = tf.constant((float) settings.momentum());
    Operand<TFloat32> decay = tf.constant((float) settings.weightDecay());
    List<Variable<TFloat32>> variables = params.trainable();
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> v = variables.get(i);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) gradients[i];
      Operand<TFloat32> decayed = after.math.add(g, after.math.mul(decay, v));
      if (adam) {
        updates.add(after.train.applyAdam(v, slot(v, ".adam_m"), slot(v, ".adam_v"), beta1Power, beta2Power,
            learningRate, tf.constant(Optimizer.ADAM_BETA1), tf.constant(Optimizer.ADAM_BETA2),
            tf.constant(Optimizer.ADAM_EPSILON), decayed));
      } else {
        updates.add(after.train.applyMomentum(v, slot(v, ".momentum"), learningRate, decayed, momentum));
      }
    }
    if (adam) {
      updates.add(tf.withControlDependencies(updates).assignAdd(adamSteps, tf.constant(1f)));
    }
    updates.addAll(batchNorm.batchNormUpdates(after));
    if (averaged != null) {
      updates.addAll(averaged.batchNormUpdates(after));
      updates = averageUpdates(tf.withControlDependencies(updates));
    }
    return tf.withControlDependencies(updates).withName("train.step").noOp();
  }

  /** The optimiser's slot {@code suffix} of {@code v}, zero at first and shared by every update op of the graph. */
  private Variable<TFloat32> slot(Variable<TFloat32> v, String suffix) {
    return accumulators.computeIfAbsent(v.op().name() + suffix, name -> {
      // Fill, not Ops.zeros: zeros opens a sub-scope, which reads the name of every op already in the graph, so
      // one per variable made building a member's graph quadratic in its size (most of its build time).
      Ops init = tf.withInitScope();
      return tf.withName(name).variable(init.fill(init.constant(v.shape()), init.constant(0f)));
    });
  }

  /** a <- a - (1 - decay) (a - w) for every average a of a trainable w, read after w's update. */
  private List<Op> averageUpdates(Ops after) {
    Operand<TFloat32> rate = tf.constant((float) (1 - settings.averageDecay()));
    List<Variable<TFloat32>> variables = params.trainable();
    List<Variable<TFloat32>> averages = params.averages();
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> average = averages.get(i);
      updates.add(after.assignSub(average, after.math.mul(rate, after.math.sub(average, variables.get(i)))));
    }
    return updates;
  }

  public Session session() {
    return session;
  }

  public Parameters parameters() {
    return params;
  }

  /** Loads the variables of a checkpoint folder (see {@link Checkpoints}). */
  public void restore(Path checkpoint) throws IOException {
    Checkpoints.restore(session, checkpoint);
  }

  /** Inference-mode probabilities of {@code n} normalised images (n, size, size, 3), as (n, size, size). */
  public float[] predict(float[] images, int n) {
    try (TFloat32 input = Tensors.of(images, Shape.of(n, size, size, 3));
        var result = session.runner().feed(inferenceImages, input).fetch(probability).run()) {
      return Tensors.toArray((TFloat32) result.get(0));
    }
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
