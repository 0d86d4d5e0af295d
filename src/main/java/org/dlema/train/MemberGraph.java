package org.dlema.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.graph.AleatoricLoss;
import org.dlema.graph.CrossEntropy;
import org.dlema.graph.Mode;
import org.dlema.graph.NetworkOutputs;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
import org.dlema.graph.SecondOrderGradients;
import org.dlema.graph.Tensors;
import org.dlema.train.EnsembleSettings.CleanLoss;
import org.dlema.train.EnsembleSettings.Weighting;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One training iteration of D-LEMA member i (paper 2.2, eq. 1-3, after Mirikharaji et al. 2019 and Ren et al.
 * 2018), as ONE graph:
 *
 * <ol>
 *   <li>eps = 0 with the shape of the noisy batch's per-pixel aleatoric loss map l(theta);
 *       L_noisy = sum(eps * l(theta));
 *   <li>the virtual step theta' = theta - lr * d L_noisy / d theta (plain SGD at the live learning rate, batch norm
 *       with batch statistics), differentiable with respect to eps;
 *   <li>L_clean(theta') = mean sigmoid cross-entropy of the logit on the clean batch from the member's
 *       non-contradictory subset C^i (eq. 1), and g = d L_clean / d eps, a gradient through a gradient;
 *   <li>w = max(-g, 0) (eq. 1 keeps W >= 0), normalised to sum to one over the batch; all zeros stays all zeros;
 *   <li>the real update: momentum SGD with weight decay on sum(w * l(theta)) (eq. 2), w held constant.
 * </ol>
 *
 * <p>The variants of {@link EnsembleSettings} beyond the paper change steps 4 and 5 only: uniform weights (no meta
 * step at all), the meta-gradient's sign only, weights normalised per image, learned weights on the disputed pixels
 * only, a share of the plain mean loss mixed in, and plain steps during a warm-up.
 */
public final class MemberGraph extends NetworkGraph {
  /** The figures of one step. */
  public record Step(float loss, float weightedLoss, float[] weights, float zeroFraction, boolean allZero) {}

  private final int noisyBatch;
  private final int cleanBatch;
  private final Placeholder<TFloat32> noisyImages;
  private final Placeholder<TFloat32> noisyLabels;
  private final Placeholder<TFloat32> cleanImages;
  private final Placeholder<TFloat32> cleanLabels;
  private final Placeholder<TInt64> noiseSeed;
  private final Placeholder<TFloat32> learningRate;
  private final PlaceholderWithDefault<TFloat32> eps;
  /** 1 where the noisy image's annotations disagree; fed for the disputed-region variant, else all ones. */
  private final PlaceholderWithDefault<TFloat32> disputed;
  private final Operand<TFloat32> meanLoss;
  private final Operand<TFloat32> weightedLoss;
  private final Operand<TFloat32> weights;
  private final Operand<TFloat32> weightTotal;
  private final Operand<TFloat32> cleanLoss;
  private final Operand<TFloat32> cleanMap;
  private final Operand<TFloat32> metaGradient;
  private final Op step;
  /** The unweighted update (mean loss), for uniform weighting and the meta warm-up; null when never used. */
  private final Op plainStep;
  private final float uniformWeight;

  /** The paper's member with the given clean batch and clean loss. */
  public MemberGraph(NetworkSpec spec, TrainingSettings settings, int cleanBatch, CleanLoss cleanLossKind) {
    this(spec, settings, EnsembleSettings.paper(1, cleanBatch).toBuilder().cleanLoss(cleanLossKind).build());
  }

  /** A member with the ensemble's clean batch, clean loss and variant of the weighting. */
  public MemberGraph(NetworkSpec spec, TrainingSettings settings, EnsembleSettings ensemble) {
    super(spec, settings);
    int cleanBatch = ensemble.cleanBatch();
    SecondOrderGradients.register();
    this.noisyBatch = settings.batchSize();
    this.cleanBatch = cleanBatch;
    int t = settings.mcSamples();
    noisyImages = input("meta.noisy_images", noisyBatch, 3);
    noisyLabels = input("meta.noisy_labels", noisyBatch, 1);
    cleanImages = input("meta.clean_images", cleanBatch, 3);
    cleanLabels = input("meta.clean_labels", cleanBatch, 1);
    noiseSeed = tf.withName("meta.noise_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    learningRate = tf.withName("meta.learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Shape map = Shape.of(noisyBatch, size, size, 1);
    // Fed only by the finite-difference test; training uses the default, zeros.
    eps = tf.withName("meta.eps").placeholderWithDefault(tf.fill(tf.constant(map), tf.constant(0f)), map);
    disputed = tf.withName("meta.disputed").placeholderWithDefault(
        tf.fill(tf.constant(new int[] {noisyBatch, size, size, 1}), tf.constant(1f)), map);

    // 1. The noisy pass and its per-pixel loss map.
    NetworkOutputs noisy = net.build(params, noisyImages, tf.constant(noisyBatch), Mode.TRAIN);
    Operand<TFloat32> lossMap = AleatoricLoss.lossMap(tf, noisy.logit(), noisy.logVariance(), noisyLabels,
        AleatoricLoss.noise(tf, settings.noiseDraw(), t, noisyBatch, size, noiseSeed), t);
    Operand<TInt32> all = tf.constant(new int[] {0, 1, 2, 3});
    meanLoss = tf.math.mean(lossMap, all);
    uniformWeight = 1f / (noisyBatch * size * size);
    List<Variable<TFloat32>> variables = params.trainable();
    NetworkOutputs averaged = averagedPass(noisyImages, null);
    plainStep = ensemble.weighting() == Weighting.UNIFORM || ensemble.metaWarmup() > 0
        ? momentumStep(gradients("meta.plain", meanLoss, outputsOf(variables)), learningRate, noisy, averaged,
            List.of())
        : null;
    Objective objective = ensemble.weighting() == Weighting.UNIFORM ? uniform()
        : metaWeighted(lossMap, all, variables, ensemble, noisy, averaged);
    weights = objective.weights();
    weightTotal = objective.weightTotal();
    weightedLoss = objective.weightedLoss();
    cleanLoss = objective.cleanLoss();
    cleanMap = objective.cleanMap();
    metaGradient = objective.metaGradient();
    step = objective.step();
    finish();
  }

  /** What a member minimises and how: the weights, the weighted loss, the meta terms (null when uniform), the step. */
  private record Objective(Operand<TFloat32> weights, Operand<TFloat32> weightTotal, Operand<TFloat32> weightedLoss,
      Operand<TFloat32> cleanLoss, Operand<TFloat32> cleanMap, Operand<TFloat32> metaGradient, Op step) {}

  /** Every pixel weighs 1 / (B H W): the weighted loss is the mean loss and the step the plain one. */
  private Objective uniform() {
    return new Objective(tf.fill(tf.constant(new int[] {noisyBatch, size, size, 1}), tf.constant(uniformWeight)),
        tf.constant(1f), tf.identity(meanLoss), null, null, null, plainStep);
  }

  /** Steps 2-5 of the paper's member: the virtual step, the clean loss, the weights (eq. 3), the update (eq. 2). */
  private Objective metaWeighted(Operand<TFloat32> lossMap, Operand<TInt32> all, List<Variable<TFloat32>> variables,
      EnsembleSettings ensemble, NetworkOutputs noisy, NetworkOutputs averaged) {
    Operand<TFloat32> noisyObjective = tf.sum(tf.math.mul(eps, lossMap), all);

    // 2. The virtual step, kept differentiable with respect to eps.
    Map<String, Operand<TFloat32>> virtual = virtualStep(noisyObjective, variables);

    // 3. The clean loss at theta' and its gradient with respect to eps.
    NetworkOutputs clean = net.build(params.substituted(virtual), cleanImages, tf.constant(cleanBatch),
        Mode.TRAIN);
    Operand<TFloat32> cleanMap = cleanLossMap(clean, ensemble.cleanLoss(), settings.noiseDraw(),
        settings.mcSamples());
    Operand<TFloat32> cleanLoss = tf.math.mean(cleanMap, all);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> g = (Operand<TFloat32>) gradients("meta.outer", cleanLoss,
        new Output<?>[] {eps.asOutput()})[0];

    // 4. Weights: the pixels whose up-weighting would lower the clean loss, normalised (eq. 3).
    PixelWeights pixelWeights = PixelWeights.of(tf, g, disputed, ensemble, noisyBatch, uniformWeight);

    // 5. The real update on the weighted loss (eq. 2), with a share of the plain mean loss when asked for.
    Operand<TFloat32> weighted = tf.sum(tf.math.mul(pixelWeights.weights(), lossMap), all);
    float share = (float) ensemble.plainShare();
    Operand<TFloat32> weightedLoss = share == 0 ? weighted
        : tf.math.add(tf.math.mul(tf.constant(1 - share), weighted), tf.math.mul(tf.constant(share), meanLoss));
    Output<?>[] update = gradients("meta.update", weightedLoss, outputsOf(variables));
    return new Objective(pixelWeights.weights(), pixelWeights.rawTotal(), weightedLoss, cleanLoss, cleanMap, g,
        momentumStep(update, learningRate, noisy, averaged, List.of()));
  }

  private Placeholder<TFloat32> input(String name, int batch, int channels) {
    return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, size, size, channels)));
  }

  /** theta' = theta - lr * d objective / d theta, by variable name (step 2). */
  private Map<String, Operand<TFloat32>> virtualStep(Operand<TFloat32> objective,
      List<Variable<TFloat32>> variables) {
    Output<?>[] inner = gradients("meta.inner", objective, outputsOf(variables));
    Map<String, Operand<TFloat32>> virtual = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Variable<TFloat32>> v : params.trainableByName().entrySet()) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) inner[i++];
      virtual.put(v.getKey(), tf.math.sub(v.getValue(), tf.math.mul(learningRate, g)));
    }
    return virtual;
  }

  /** The clean batch's per-pixel loss at theta' (step 3): cross-entropy (the paper's) or eq. 5's. */
  private Operand<TFloat32> cleanLossMap(NetworkOutputs clean, CleanLoss kind, NoiseDraw draw, int samples) {
    if (kind == CleanLoss.ALEATORIC) {
      Operand<TInt64> cleanSeed = tf.math.add(noiseSeed, tf.constant(new long[] {0x51ed, 0}));
      return AleatoricLoss.lossMap(tf, clean.logit(), clean.logVariance(), cleanLabels,
          AleatoricLoss.noise(tf, draw, samples, cleanBatch, size, cleanSeed), samples);
    }
    return CrossEntropy.lossMap(tf, clean.logit(), cleanLabels);
  }

  /**
   * The inputs of one member iteration, normalised images and 0/1 label maps.
   *
   * @param disputed 1 where the noisy image's annotations disagree, for the disputed-region variant; null: every
   *     pixel, which leaves the paper's weights
   */
  public record Batch(float[] noisyImages, float[] noisyLabels, float[] cleanImages, float[] cleanLabels,
      float[] disputed) {
    public Batch(float[] noisyImages, float[] noisyLabels, float[] cleanImages, float[] cleanLabels) {
      this(noisyImages, noisyLabels, cleanImages, cleanLabels, null);
    }
  }

  /** One member iteration with the meta step. */
  public Step trainStep(Batch batch, long noiseStep, float rate) {
    return trainStep(batch, noiseStep, rate, true);
  }

  /**
   * One member iteration; with {@code meta} false (the meta warm-up) the plain update on the mean loss, every
   * pixel weighing the same.
   */
  public Step trainStep(Batch batch, long noiseStep, float rate, boolean meta) {
    if (!meta && plainStep != step) {
      try (Feeds feeds = new Feeds(batch, noiseStep, rate);
          var result = feeds.runner().addTarget(plainStep).fetch(meanLoss).run()) {
        float loss = ((TFloat32) result.get(0)).getFloat();
        float[] w = new float[noisyBatch * size * size];
        Arrays.fill(w, uniformWeight);
        return new Step(loss, loss, w, 0, false);
      }
    }
    try (Feeds feeds = new Feeds(batch, noiseStep, rate);
        TFloat32 d = batch.disputed() == null ? null
            : Tensors.of(batch.disputed(), Shape.of(noisyBatch, size, size, 1));
        var result = (d == null ? feeds.runner() : feeds.runner().feed(disputed, d)).addTarget(step)
            .fetch(meanLoss).fetch(weightedLoss).fetch(weights).fetch(weightTotal).run()) {
      float[] w = Tensors.toArray((TFloat32) result.get(2));
      int zeros = 0;
      for (float v : w) {
        if (v == 0f) {
          zeros++;
        }
      }
      return new Step(((TFloat32) result.get(0)).getFloat(), ((TFloat32) result.get(1)).getFloat(), w,
          (float) zeros / w.length, ((TFloat32) result.get(3)).getFloat() == 0f);
    }
  }

  /** One meta step with a full trace, for the benchmark's per-op profile (every pixel weighted, no disputed map). */
  public RunMetadata tracedStep(Batch batch, long noiseStep, float rate) {
    try (Feeds feeds = new Feeds(batch, noiseStep, rate);
        var result = feeds.runner().addTarget(step).fetch(meanLoss)
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
            .runAndFetchMetadata()) {
      return result.getMetadata().orElseThrow(() -> new IllegalStateException("TensorFlow returned no trace"));
    }
  }

  /** g = d L_clean / d eps at the given eps, without updating anything (for checks against finite differences). */
  float[] metaGradient(Batch batch, long noiseStep, float rate, float[] epsValue) {
    try (Feeds feeds = new Feeds(batch, noiseStep, rate);
        TFloat32 e = Tensors.of(epsValue, Shape.of(noisyBatch, size, size, 1));
        var result = feeds.runner().feed(eps, e).fetch(metaGradient).run()) {
      return Tensors.toArray((TFloat32) result.get(0));
    }
  }

  /** The graph's definition and the op names of the clean loss map and of g (for a float64 replica in tests). */
  record Probe(org.tensorflow.proto.GraphDef definition, String cleanMap, String metaGradient) {}

  Probe probe() {
    return new Probe(graph.toGraphDef(), cleanMap.op().name(), metaGradient.op().name());
  }

  /** The tensors of one batch, closed together. */
  private final class Feeds implements AutoCloseable {
    private final TFloat32 nx;
    private final TFloat32 ny;
    private final TFloat32 cx;
    private final TFloat32 cy;
    private final TInt64 seed;
    private final TFloat32 lr;

    Feeds(Batch batch, long noiseStep, float rate) {
      nx = Tensors.of(batch.noisyImages(), Shape.of(noisyBatch, size, size, 3));
      ny = Tensors.of(batch.noisyLabels(), Shape.of(noisyBatch, size, size, 1));
      cx = Tensors.of(batch.cleanImages(), Shape.of(cleanBatch, size, size, 3));
      cy = Tensors.of(batch.cleanLabels(), Shape.of(cleanBatch, size, size, 1));
      seed = TInt64.vectorOf(settings.seed(), noiseStep);
      lr = TFloat32.scalarOf(rate);
    }

    Session.Runner runner() {
      return session().runner().feed(noisyImages, nx).feed(noisyLabels, ny).feed(cleanImages, cx)
          .feed(cleanLabels, cy).feed(noiseSeed, seed).feed(learningRate, lr);
    }

    @Override
    public void close() {
      nx.close();
      ny.close();
      cx.close();
      cy.close();
      seed.close();
      lr.close();
    }
  }
}
