package org.dlema.graph;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The export contract as a graph: raw RGB 0..255 of any size in; resizing to the network size and the stored
 * normalisation inside the graph (clients send plain pixels); the maps resized back to the input's size out.
 * Shrinking uses area averaging and enlarging bilinear interpolation with half-pixel centres, the same arithmetic as
 * the Java preprocessing the network was trained on.
 *
 * <p>There are two ways in. {@code image} takes the pixels; {@code image_bytes} takes one encoded file (JPEG, PNG,
 * BMP or GIF, as it is on disk) and decodes it inside the graph into the value {@code image} has when it is not fed
 * (a placeholder with a default), so both reach the network through the same ops. A request carries one encoded
 * image: files of different sizes cannot share one pixel tensor. For that input the graph also answers with the mask
 * and the probability as PNG files at the image's size.
 */
public final class ServingGraph {
  /** The served input name of the pixels and of the encoded file. */
  public static final String IMAGE = "image";
  public static final String IMAGE_BYTES = "image_bytes";

  /**
   * Both inputs: {@code image} [b, h, w, 3] float RGB 0..255, which is {@code imageBytes}' decoded file when it is
   * not fed; {@code imageBytes} [1] the encoded file.
   */
  public record Input(Operand<TFloat32> image, Placeholder<TString> imageBytes) {}

  /** The PNG files of the first image's maps: 8-bit grey, 0/255 for the mask and round(255 p) for the probability. */
  public record Pngs(Operand<TString> mask, Operand<TString> probability) {}

  /**
   * Tensors of one served network; {@code epistemic} and {@code passProbabilities} (each MC pass's probability,
   * [batch, height, width, passes]) only for an MC-dropout spec (null otherwise).
   */
  public record Endpoints(Input input, Operand<TFloat32> probability, Operand<TFloat32> mask,
      Operand<TFloat32> aleatoric, Operand<TFloat32> epistemic, Operand<TFloat32> passProbabilities, Pngs pngs,
      Parameters parameters) {
    public Operand<TFloat32> image() {
      return input.image();
    }
  }

  /**
   * One fusion rule's served maps, all at the input's size. The PNG files are made by the caller for the one rule
   * that serves encoded images ({@link #pngs}), so the graph holds no encoder that no signature reaches.
   */
  public record FusedOutputs(Operand<TFloat32> probability, Operand<TFloat32> mask, Operand<TFloat32> aleatoric,
      Operand<TFloat32> epistemic, Operand<TFloat32> memberProbabilities) {}

  /** The fused ensemble: one input, the outputs of every rule, and each member's variables. */
  public record EnsembleEndpoints(Input input, Map<FusionRule, FusedOutputs> outputs, List<Parameters> members) {
    public Operand<TFloat32> image() {
      return input.image();
    }
  }

  private ServingGraph() {}

  /** The two inputs of a served graph (see the class comment). */
  public static Input input(Ops tf) {
    Placeholder<TString> bytes = tf.withName(IMAGE_BYTES).placeholder(TString.class,
        Placeholder.shape(Shape.of(-1)));
    Operand<TBool> one = tf.math.equal(tf.size(bytes), tf.constant(1));
    AssertThat single = tf.assertThat(one, List.of(tf.constant(IMAGE_BYTES + " takes exactly one encoded image "
        + "per request (send one request per image); images in this request:"), tf.size(bytes)));
    Operand<TString> file = tf.withControlDependencies(List.of(single)).reshape(bytes, tf.constant(new int[0]));
    Operand<TUint8> decoded = tf.image.decodeImage(file, TUint8.class, DecodeImage.channels(3L),
        DecodeImage.expandAnimations(false));
    Operand<TFloat32> pixels = tf.expandDims(tf.dtypes.cast(decoded, TFloat32.class), tf.constant(0));
    Operand<TFloat32> image = tf.withName(IMAGE).placeholderWithDefault(pixels, Shape.of(-1, -1, -1, 3));
    return new Input(image, bytes);
  }

  /** The PNG files of the first image of a batch of [b, h, w, 1] maps in 0..1, each as a [1] string tensor. */
  public static Pngs pngs(Ops tf, Operand<TFloat32> probability, Operand<TFloat32> mask) {
    return new Pngs(png(tf, mask), png(tf, probability));
  }

  private static Operand<TString> png(Ops tf, Operand<TFloat32> map) {
    Operand<TFloat32> first = tf.squeeze(map, Squeeze.axis(List.of(0L)));
    Operand<TFloat32> scaled = tf.math.round(tf.math.mul(tf.clipByValue(first, tf.constant(0f), tf.constant(1f)),
        tf.constant(255f)));
    Operand<TString> file = tf.image.encodePng(tf.dtypes.cast(scaled, TUint8.class));
    return tf.reshape(file, tf.constant(new int[] {1}));
  }

  /** The network's input: images resized to the spec's size and normalised. */
  public static Operand<TFloat32> preprocess(Ops tf, Operand<TFloat32> image, int side, double[] mean,
      double[] std) {
    Operand<TInt32> shape = tf.shape(image);
    Operand<TInt32> height = element(tf, shape, 1);
    Operand<TInt32> width = element(tf, shape, 2);
    // One axis at a time, each shrunk by area or enlarged bilinearly on its own, as the Java Resize does: both
    // filters are separable, so two 1-D passes equal the 2-D resize.
    Operand<TFloat32> rows = resizeAxis(tf, image, height, tf.stack(List.of(tf.constant(side), width)), side);
    return normalise(tf, resizeAxis(tf, rows, width, tf.constant(new int[] {side, side}), side), mean, std);
  }

  private static Operand<TFloat32> resizeAxis(Ops tf, Operand<TFloat32> image, Operand<TInt32> length,
      Operand<TInt32> target, int side) {
    Operand<TBool> shrinking = tf.math.greaterEqual(length, tf.constant(side));
    Operand<TFloat32> area = tf.image.resizeArea(image, target);
    Operand<TFloat32> bilinear = tf.image.resizeBilinear(image, target, ResizeBilinear.halfPixelCenters(true));
    return tf.select(shrinking, area, bilinear);
  }

  private static Operand<TFloat32> normalise(Ops tf, Operand<TFloat32> resized, double[] mean, double[] std) {
    float[] m = {(float) mean[0], (float) mean[1], (float) mean[2]};
    float[] inverse = {(float) (1 / std[0]), (float) (1 / std[1]), (float) (1 / std[2])};
    return tf.math.mul(tf.math.sub(resized, tf.constant(m)), tf.constant(inverse));
  }

  /** Resizes [b, side, side, c] maps back to the size of {@code like} [b, h, w, c]. */
  public static Operand<TFloat32> toInputSize(Ops tf, Operand<TFloat32> map, Operand<TFloat32> like) {
    Operand<TInt32> shape = tf.shape(like);
    Operand<TInt32> size = tf.stridedSlice(shape, tf.constant(new int[] {1}), tf.constant(new int[] {3}),
        tf.constant(new int[] {1}));
    return tf.image.resizeBilinear(map, size, ResizeBilinear.halfPixelCenters(true));
  }

  /** A 0/1 mask: probability at least one half. */
  public static Operand<TFloat32> threshold(Ops tf, Operand<TFloat32> probability) {
    return tf.dtypes.cast(tf.math.greaterEqual(probability, tf.constant(0.5f)), TFloat32.class);
  }

  /** One network's serving endpoints; its variables are named with {@code prefix} (restore them from a run). */
  public static Endpoints single(Ops tf, NetworkSpec spec, double[] mean, double[] std, String prefix) {
    return single(tf, spec, mean, std, prefix, 1);
  }

  /**
   * One network's serving endpoints with temperature scaling: the probability is sigmoid(f / temperature) (for MC
   * dropout, of each pass's logit before the passes are averaged); the aleatoric variance is unchanged.
   *
   * @param temperature positive; 1 serves the network as trained
   */
  public static Endpoints single(Ops tf, NetworkSpec spec, double[] mean, double[] std, String prefix,
      double temperature) {
    Input in = input(tf);
    Operand<TFloat32> image = in.image();
    Parameters params = new Parameters(tf, 0, prefix);
    Operand<TFloat32> input = preprocess(tf, image, spec.inputSize(), mean, std);
    Operand<TInt32> batch = LinkNet.batchSize(tf, image);
    LinkNet.Inference out = new LinkNet(spec).infer(params, input, batch, temperature);
    Operand<TFloat32> probability = toInputSize(tf, out.probability(), image);
    Operand<TFloat32> aleatoric = toInputSize(tf, out.aleatoric(), image);
    Operand<TFloat32> mask = threshold(tf, probability);
    return new Endpoints(in, probability, mask, aleatoric,
        spec.hasDropout() ? toInputSize(tf, out.epistemic(), image) : null,
        out.passProbabilities() == null ? null : toInputSize(tf, out.passProbabilities(), image),
        pngs(tf, probability, mask), params);
  }

  /**
   * All members in one graph over one preprocessed input (variables prefixed {@link Ensemble#memberPrefix}), fused by
   * every rule at the network's resolution; the fused maps are then resized to the input's size. Resizing is linear, so
   * the uniform fusion (without an ensemble temperature) equals the average of the members' served probabilities.
   */
  public static EnsembleEndpoints ensemble(Ops tf, NetworkSpec spec, double[] mean, double[] std, int members) {
    return ensemble(tf, spec, mean, std, Fusion.ones(members));
  }

  /**
   * The fused ensemble with temperature scaling: member i's probability is sigmoid(f_i / temperatures[i-1]) before
   * fusion (so the rules combine calibrated members); the variances are unchanged.
   */
  public static EnsembleEndpoints ensemble(Ops tf, NetworkSpec spec, double[] mean, double[] std,
      double[] temperatures) {
    return ensemble(tf, spec, mean, std, temperatures, Map.of());
  }

  /**
   * The fused ensemble with calibrated members and, per rule, the fused probability recalibrated by the ensemble's
   * own temperature ({@link Fusion#recalibrated}); the mask follows the served probability.
   *
   * @param fusedTemperatures a temperature per rule; a rule without one is served as fused
   */
  public static EnsembleEndpoints ensemble(Ops tf, NetworkSpec spec, double[] mean, double[] std,
      double[] temperatures, Map<FusionRule, Double> fusedTemperatures) {
    Input in = input(tf);
    Operand<TFloat32> image = in.image();
    Operand<TFloat32> input = preprocess(tf, image, spec.inputSize(), mean, std);
    Ensemble ensemble = Ensemble.build(tf, spec, input, LinkNet.batchSize(tf, image), temperatures);
    Map<FusionRule, FusedOutputs> served = new EnumMap<>(FusionRule.class);
    Operand<TFloat32> epistemic = null;
    Operand<TFloat32> memberProbabilities = null;
    for (FusionRule rule : FusionRule.values()) {
      Fusion.Fused fused = ensemble.fusion().fuse(rule);
      if (epistemic == null) {
        // The same for every rule: resized once.
        epistemic = toInputSize(tf, fused.epistemic(), image);
        memberProbabilities = toInputSize(tf, fused.memberProbabilities(), image);
      }
      Operand<TFloat32> probability = toInputSize(tf,
          Fusion.recalibrated(tf, fused.probability(), fusedTemperatures.getOrDefault(rule, 1.0)), image);
      Operand<TFloat32> mask = threshold(tf, probability);
      served.put(rule, new FusedOutputs(probability, mask, toInputSize(tf, fused.aleatoric(), image), epistemic,
          memberProbabilities));
    }
    return new EnsembleEndpoints(in, served, ensemble.members());
  }

  private static Operand<TInt32> element(Ops tf, Operand<TInt32> vector, int index) {
    Operand<TInt32> slice = tf.stridedSlice(vector, tf.constant(new int[] {index}),
        tf.constant(new int[] {index + 1}), tf.constant(new int[] {1}));
    return tf.reshape(slice, tf.constant(new int[0]));
  }
}
