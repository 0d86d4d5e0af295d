package org.dlema.graph;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * LinkNet (Chaurasia and Culurciello 2017, the paper's [4]), section 3.2: a 7x7/2 convolution and 3x3/2 max-pool, four
 * ResNet-18 style encoder stages, four decoder blocks (1x1 C to C/4, 3x3 transposed stride 2, 1x1 C/4 to out) whose
 * outputs are added to the matching encoder stage, and a head back to full resolution that ends in two maps: the
 * segmentation logit and the aleatoric log-variance. For a 96x96 input the maps are 48, 24, 24, 12, 6, 3 on the way
 * down and back to 96 on the way up.
 */
public final class LinkNet {
  private static final List<Long> ONE = Arrays.asList(1L, 1L, 1L, 1L);
  private static final List<Long> TWO = Arrays.asList(1L, 2L, 2L, 1L);

  /**
   * Where MC-dropout layers go, from the centre of the network outwards: the output of the deepest encoder stage,
   * then the first decoder block, and so on alternating. A spec with {@code dropoutLayers = k} uses the first k; the
   * paper's five (Bayesian SegNet style, "in the central part of the encoder and the decoder") are enc4, dec4,
   * enc3, dec3, dec2.
   */
  public static final List<String> DROPOUT_SITES = List.of("enc4", "dec4", "enc3", "dec3", "dec2", "enc2", "dec1",
      "enc1");

  /** The dropout seed of inference passes: fixed, so that a served MC-dropout model answers deterministically. */
  public static final long INFERENCE_SEED = 15;

  /** Inference maps at the network's resolution, averaged over the MC passes when the spec has dropout. */
  public record Inference(Operand<TFloat32> probability, Operand<TFloat32> aleatoric, Operand<TFloat32> epistemic,
      Operand<TFloat32> passProbabilities) {}

  private final NetworkSpec spec;

  public LinkNet(NetworkSpec spec) {
    this.spec = spec;
  }

  public NetworkSpec spec() {
    return spec;
  }

  /**
   * @param image normalised images [batch, size, size, 3]
   * @param batch the batch size as a scalar taken from a placeholder's shape (never from a tensor that depends on
   *     the parameters: that would put shape ops without gradients on the gradient path)
   */
  public NetworkOutputs build(Parameters params, Operand<TFloat32> image, Operand<TInt32> batch, Mode mode) {
    if (spec.hasDropout()) {
      throw new IllegalArgumentException(spec.name() + " has MC dropout: build it with a dropout seed");
    }
    return build(params, image, batch, mode, null);
  }

  /**
   * @param dropoutSeed int64 [2] seed of the stateless dropout masks (null for a spec without dropout); each layer
   *     draws from its own stream of it
   */
  public NetworkOutputs build(Parameters params, Operand<TFloat32> image, Operand<TInt32> batch, Mode mode,
      Operand<TInt64> dropoutSeed) {
    Builder b = new Builder(params, batch, mode, new BatchNorm(spec), spec, dropoutSeed);
    int[] widths = spec.stages();
    int size = spec.inputSize();

    Ops tf = params.ops();
    Operand<TFloat32> input = spec.coordinates() ? withCoordinates(tf, image, batch, size) : image;
    Operand<TFloat32> x = b.convBnRelu("stem", input, spec.inputChannels(), spec.stem(), 7, 2);
    x = tf.nn.maxPool(x, tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), "SAME");

    Operand<TFloat32>[] encoder = newArray(4);
    int channels = spec.stem();
    for (int stage = 0; stage < 4; stage++) {
      for (int block = 0; block < spec.blocks()[stage]; block++) {
        int stride = stage > 0 && block == 0 ? 2 : 1;
        x = b.residual("enc" + (stage + 1) + ".block" + block, x, channels, widths[stage], stride);
        channels = widths[stage];
      }
      x = b.dropout("enc" + (stage + 1), x, size >> (stage + 2), channels);
      encoder[stage] = x;
    }

    // Decoder 4..1: spatial size of stage k's output is size / 2^(k+2), k = 0..3.
    for (int stage = 3; stage >= 0; stage--) {
      int out = stage > 0 ? widths[stage - 1] : widths[0];
      int stride = stage > 0 ? 2 : 1;
      int outSize = stride == 2 ? size >> (stage + 1) : size >> (stage + 2);
      x = b.decoder("dec" + (stage + 1), x, channels, out, stride, outSize);
      channels = out;
      x = b.dropout("dec" + (stage + 1), x, outSize, channels);
      if (stage > 0) {
        x = tf.math.add(x, encoder[stage - 1]);
      }
    }

    x = b.transposedBnRelu("head.up1", x, channels, spec.head(), 3, size / 2);
    x = b.convBnRelu("head.conv", x, spec.head(), spec.head(), 3, 1);
    // One 2x2/2 transposed convolution per output map: the same function as a single two-channel layer, without a
    // slice whose gradient would itself need a gradient in the meta step.
    Operand<TFloat32> logit = b.outputMap("head.logit", x, spec.head(), size, (float) spec.logitBias());
    Operand<TFloat32> logVariance = b.outputMap("head.logvar", x, spec.head(), size, 0f);
    return new NetworkOutputs(logit, logVariance, b.batchNorm);
  }

  /**
   * The image with each pixel's x and y in [-1, 1] (pixel centres) as two more channels: a constant tiled over the
   * batch, so no gradient flows into it.
   */
  static Operand<TFloat32> withCoordinates(Ops tf, Operand<TFloat32> image, Operand<TInt32> batch, int size) {
    float[] grid = new float[size * size * 2];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        grid[(y * size + x) * 2] = (2 * x + 1f) / size - 1;
        grid[(y * size + x) * 2 + 1] = (2 * y + 1f) / size - 1;
      }
    }
    Operand<TFloat32> coordinates = tf.constant(Shape.of(1, size, size, 2),
        org.tensorflow.ndarray.buffer.DataBuffers.of(grid));
    Operand<TInt32> one = tf.constant(new int[] {1});
    Operand<TInt32> multiples = tf.concat(List.of(tf.reshape(batch, one), one, one, one), tf.constant(0));
    return tf.concat(List.of(image, tf.tile(coordinates, multiples)), tf.constant(3));
  }

  /**
   * Every inference pass over normalised images, before any sigmoid: logits and log-variances
   * [count * batch, size, size, 1], pass-major (rows k * batch .. k * batch + batch - 1 are pass k). One pass without
   * dropout; with MC dropout {@code mcPasses} passes over the repeated batch, each copy with its own dropout masks
   * from the constant {@link #INFERENCE_SEED} (batch norm runs on its moving averages, so copies do not affect each
   * other).
   */
  public record Passes(Operand<TFloat32> logit, Operand<TFloat32> logVariance, int count) {}

  /** The {@link Passes} of normalised images [batch, size, size, 3]. */
  public Passes passes(Parameters params, Operand<TFloat32> image, Operand<TInt32> batch) {
    Ops tf = params.ops();
    if (!spec.hasDropout()) {
      NetworkOutputs out = build(params, image, batch, Mode.INFERENCE);
      return new Passes(out.logit(), out.logVariance(), 1);
    }
    int passes = spec.mcPasses();
    Operand<TFloat32> repeated = tf.tile(image, tf.constant(new int[] {passes, 1, 1, 1}));
    NetworkOutputs out = build(params, repeated, tf.math.mul(batch, tf.constant(passes)), Mode.INFERENCE,
        tf.constant(new long[] {INFERENCE_SEED, -1}));
    return new Passes(out.logit(), out.logVariance(), passes);
  }

  /** {@link #infer(Parameters, Operand, Operand, double)} as trained (temperature 1). */
  public Inference infer(Parameters params, Operand<TFloat32> image, Operand<TInt32> batch) {
    return infer(params, image, batch, 1);
  }

  /**
   * The served maps of normalised images: sigmoid of each pass's logit divided by {@code temperature}, exp of the
   * log-variance (as trained, whatever the temperature), and with MC dropout the passes averaged and the variance
   * of the probability across them (epistemic) and each pass's probability [batch, size, size, passes]; without
   * dropout the epistemic map is 0 and there are no pass probabilities (null).
   */
  public Inference infer(Parameters params, Operand<TFloat32> image, Operand<TInt32> batch, double temperature) {
    Ops tf = params.ops();
    Passes passes = passes(params, image, batch);
    Operand<TFloat32> probabilities = tf.math.sigmoid(Fusion.calibrated(tf, passes.logit(), temperature));
    Operand<TFloat32> variances = tf.math.exp(passes.logVariance());
    if (passes.count() == 1) {
      return new Inference(probabilities, variances, tf.zerosLike(probabilities), null);
    }
    int size = spec.inputSize();
    Operand<TInt32> byPass = tf.concat(List.of(tf.constant(new int[] {passes.count()}), tf.reshape(batch,
        tf.constant(new int[] {1})), tf.constant(new int[] {size, size, 1})), tf.constant(0));
    Operand<TFloat32> perPass = tf.reshape(probabilities, byPass);
    Operand<TInt32> first = tf.constant(0);
    Operand<TFloat32> probability = tf.math.mean(perPass, first);
    Operand<TFloat32> deviation = tf.math.sub(perPass, probability);
    Operand<TFloat32> epistemic = tf.math.mean(tf.math.mul(deviation, deviation), first);
    // [passes, batch, size, size, 1] -> [batch, size, size, 1, passes] -> [batch, size, size, passes].
    Operand<TFloat32> byPixel = tf.linalg.transpose(perPass, tf.constant(new int[] {1, 2, 3, 4, 0}));
    Operand<TInt32> withPasses = tf.concat(List.of(tf.reshape(batch, tf.constant(new int[] {1})),
        tf.constant(new int[] {size, size, passes.count()})), tf.constant(0));
    return new Inference(probability, tf.math.mean(tf.reshape(variances, byPass), first), epistemic,
        tf.reshape(byPixel, withPasses));
  }

  /** Inverted dropout of a [batch, side, side, channels] map: x * [u >= rate] / (1 - rate), u stateless uniform. */
  static Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, Operand<TInt32> batch, int side, int channels,
      float rate, Operand<TInt64> seed) {
    Operand<TInt32> shape = tf.concat(List.of(tf.reshape(batch, tf.constant(new int[] {1})),
        tf.constant(new int[] {side, side, channels})), tf.constant(0));
    Operand<TFloat32> u = tf.random.statelessRandomUniform(shape, seed, TFloat32.class);
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(keep, tf.constant(1f / (1 - rate))));
  }

  /** The leading dimension of a placeholder as an int32 scalar, for {@link #build}'s {@code batch}. */
  public static Operand<TInt32> batchSize(Ops tf, Operand<TFloat32> placeholder) {
    Operand<TInt32> first = tf.stridedSlice(tf.shape(placeholder), tf.constant(new int[] {0}),
        tf.constant(new int[] {1}), tf.constant(new int[] {1}));
    return tf.reshape(first, tf.constant(new int[0]));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32>[] newArray(int n) {
    return (Operand<TFloat32>[]) new Operand<?>[n];
  }

  /** Layer helpers bound to one pass. */
  private static final class Builder {
    final Parameters params;
    final Ops tf;
    final Operand<TInt32> batch;
    final Mode mode;
    final BatchNorm batchNorm;
    final NetworkSpec spec;
    final Operand<TInt64> dropoutSeed;

    Builder(Parameters params, Operand<TInt32> batch, Mode mode, BatchNorm batchNorm, NetworkSpec spec,
        Operand<TInt64> dropoutSeed) {
      this.params = params;
      this.tf = params.ops();
      this.batch = batch;
      this.mode = mode;
      this.batchNorm = batchNorm;
      this.spec = spec;
      this.dropoutSeed = dropoutSeed;
      if (spec.hasDropout() && dropoutSeed == null) {
        throw new IllegalArgumentException(spec.name() + " has MC dropout: build it with a dropout seed");
      }
    }

    /**
     * Inverted dropout at one site when the spec places a layer there: x * [u >= p] / (1 - p), u uniform from a
     * stateless generator keyed by (seed + site). The mask's shape comes from the batch scalar and the known map
     * size, not from x, so nothing on the gradient path needs a gradient of a shape op.
     */
    Operand<TFloat32> dropout(String site, Operand<TFloat32> x, int side, int channels) {
      int index = DROPOUT_SITES.indexOf(site);
      if (!spec.hasDropout() || index < 0 || index >= spec.dropoutLayers()) {
        return x;
      }
      Operand<TInt64> seed = tf.math.add(dropoutSeed, tf.constant(new long[] {0, 1_000_003L * (index + 1)}));
      return LinkNet.dropout(tf, x, batch, side, channels, (float) spec.dropout(), seed);
    }

    Operand<TFloat32> conv(String name, Operand<TFloat32> x, int in, int out, int kernel, int stride) {
      Operand<TFloat32> w = params.weight(name + ".w", Shape.of(kernel, kernel, in, out), (long) kernel * kernel * in);
      return tf.nn.conv2d(x, w, stride == 1 ? ONE : TWO, "SAME");
    }

    Operand<TFloat32> convBnRelu(String name, Operand<TFloat32> x, int in, int out, int kernel, int stride) {
      return tf.nn.relu(batchNorm.apply(params, name + ".bn", conv(name, x, in, out, kernel, stride), out, mode));
    }

    /** Transposed convolution to a known spatial size (the batch dimension comes from the input placeholder). */
    Operand<TFloat32> transposed(String name, Operand<TFloat32> x, int in, int out, int kernel, int stride,
        int outSize) {
      Operand<TFloat32> w = params.weight(name + ".w", Shape.of(kernel, kernel, out, in), (long) kernel * kernel * in);
      Operand<TInt32> outputShape = tf.concat(List.of(tf.reshape(batch, tf.constant(new int[] {1})),
          tf.constant(new int[] {outSize, outSize, out})), tf.constant(0));
      return tf.nn.conv2dBackpropInput(outputShape, w, x, stride == 1 ? ONE : TWO, "SAME");
    }

    Operand<TFloat32> transposedBnRelu(String name, Operand<TFloat32> x, int in, int out, int kernel, int outSize) {
      return tf.nn.relu(batchNorm.apply(params, name + ".bn", transposed(name, x, in, out, kernel, 2, outSize), out,
          mode));
    }

    /** A final 2x2/2 transposed convolution to one map, with a bias. */
    Operand<TFloat32> outputMap(String name, Operand<TFloat32> x, int in, int outSize, float initialBias) {
      Operand<TFloat32> map = transposed(name, x, in, 1, 2, 2, outSize);
      return tf.nn.biasAdd(map, params.filled(name + ".b", Shape.of(1), initialBias));
    }

    /** ResNet basic block; a 1x1 projection on the shortcut when the shape changes. */
    Operand<TFloat32> residual(String name, Operand<TFloat32> x, int in, int out, int stride) {
      Operand<TFloat32> y = convBnRelu(name + ".conv1", x, in, out, 3, stride);
      y = batchNorm.apply(params, name + ".conv2.bn", conv(name + ".conv2", y, out, out, 3, 1), out, mode);
      Operand<TFloat32> shortcut = x;
      if (stride != 1 || in != out) {
        shortcut = batchNorm.apply(params, name + ".down.bn", conv(name + ".down", x, in, out, 1, stride), out,
            mode);
      }
      return tf.nn.relu(tf.math.add(y, shortcut));
    }

    Operand<TFloat32> decoder(String name, Operand<TFloat32> x, int in, int out, int stride, int outSize) {
      int mid = Math.max(1, in / 4);
      Operand<TFloat32> y = convBnRelu(name + ".reduce", x, in, mid, 1, 1);
      Operand<TFloat32> up = transposed(name + ".up", y, mid, mid, 3, stride, outSize);
      y = tf.nn.relu(batchNorm.apply(params, name + ".up.bn", up, mid, mode));
      return convBnRelu(name + ".expand", y, mid, out, 1, 1);
    }
  }
}
