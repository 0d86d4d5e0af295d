package org.dlema.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Paper eq. 4: the fused ensemble output p = sum_i alpha_i p_i with the weights of a {@link FusionRule}, plus the
 * two uncertainties the export serves. All maps are [batch, h, w, ·] with members along the last axis.
 *
 * <p>The confidence rules are softmaxes of minus a log-variance: alpha_i = (1/v_i) / sum_j (1/v_j) =
 * softmax_i(-log v_i), formed in log space so that it stays finite when a member's variance is huge or tiny.
 */
public final class Fusion {
  /**
   * One rule's outputs.
   *
   * @param alphas the member weights [b, h, w, M] (per-image rules repeat theirs over the pixels); sum to one
   * @param probability the fused probability [b, h, w, 1]
   * @param aleatoric the alpha-weighted aleatoric variance sum_i alpha_i sigma_i^2 [b, h, w, 1]
   * @param epistemic the variance of the members' probabilities around their plain mean [b, h, w, 1]; it does not
   *     depend on the rule
   * @param memberProbabilities sigmoid of each member's logit (divided by its temperature) [b, h, w, M]
   */
  public record Fused(Operand<TFloat32> alphas, Operand<TFloat32> probability, Operand<TFloat32> aleatoric,
      Operand<TFloat32> epistemic, Operand<TFloat32> memberProbabilities) {}

  /** The smallest fused probability (and distance from 1) whose logit {@link #recalibrated} takes. */
  public static final float PROBABILITY_FLOOR = 1e-6f;

  private final Ops tf;
  private final Operand<TFloat32> probabilities;
  private final Operand<TFloat32> logVariances;
  private final Operand<TFloat32> epistemic;
  private final int members;

  /** @param outputs every member's two maps, each [b, h, w, 1] */
  public Fusion(Ops tf, List<NetworkOutputs> outputs) {
    this(tf, outputs, ones(outputs.size()));
  }

  /**
   * Members with temperature scaling: p_i = sigmoid(f_i / T_i), so that the rules combine calibrated members. The
   * log-variances are used as they are: the temperature calibrates the probability, not the predicted variance.
   *
   * @param temperatures one per member, positive (1 leaves a member as it is)
   */
  public Fusion(Ops tf, List<NetworkOutputs> outputs, double[] temperatures) {
    if (temperatures.length != outputs.size()) {
      throw new IllegalArgumentException(outputs.size() + " members but " + temperatures.length + " temperatures");
    }
    this.tf = tf;
    this.members = outputs.size();
    List<Operand<TFloat32>> p = new ArrayList<>();
    List<Operand<TFloat32>> s = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      NetworkOutputs out = outputs.get(i);
      p.add(tf.math.sigmoid(calibrated(tf, out.logit(), temperatures[i])));
      s.add(out.logVariance());
    }
    Operand<TInt32> last = tf.constant(3);
    probabilities = tf.concat(p, last);
    logVariances = tf.concat(s, last);
    Operand<TFloat32> deviation = tf.math.sub(probabilities, mean(probabilities));
    epistemic = mean(tf.math.mul(deviation, deviation));
  }

  /** {@code logit / temperature}; the logit itself for temperature 1, so an uncalibrated graph is unchanged. */
  static Operand<TFloat32> calibrated(Ops tf, Operand<TFloat32> logit, double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("a temperature must be positive and finite, got " + temperature);
    }
    return temperature == 1 ? logit : tf.math.div(logit, tf.constant((float) temperature));
  }

  /**
   * The fused probability recalibrated by one temperature of the whole ensemble: sigmoid(logit(p) / T), with p
   * clipped to [{@link #PROBABILITY_FLOOR}, 1 - floor] so that its logit is finite. Averaging calibrated members
   * gives a softer probability than any of them wherever they disagree, so the fused output needs a temperature of
   * its own ({@link #logit} is the same clipped logit in Java, for fitting it).
   *
   * @param temperature positive; 1 returns {@code probability} itself
   */
  public static Operand<TFloat32> recalibrated(Ops tf, Operand<TFloat32> probability, double temperature) {
    if (temperature == 1) {
      return probability;
    }
    Operand<TFloat32> p = tf.clipByValue(probability, tf.constant(PROBABILITY_FLOOR),
        tf.constant(1 - PROBABILITY_FLOOR));
    Operand<TFloat32> logit = tf.math.sub(tf.math.log(p), tf.math.log1p(tf.math.neg(p)));
    return tf.math.sigmoid(calibrated(tf, logit, temperature));
  }

  /** The clipped logit of a fused probability, as {@link #recalibrated} forms it in the graph. */
  public static float logit(float probability) {
    double p = Math.min(Math.max(probability, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR);
    return (float) (Math.log(p) - Math.log1p(-p));
  }

  /** Temperatures of 1: uncalibrated members. */
  public static double[] ones(int n) {
    double[] ones = new double[n];
    Arrays.fill(ones, 1);
    return ones;
  }

  public int members() {
    return members;
  }

  public Fused fuse(FusionRule rule) {
    // log alpha, so that the aleatoric sum can be formed as exp(log alpha_i + s_i): a member with a huge variance
    // has alpha ~ 0 and exp(s) ~ inf, whose product must be its limit, not NaN.
    Operand<TFloat32> logAlphas = switch (rule) {
      case UNIFORM -> tf.math.mul(tf.onesLike(probabilities), tf.constant((float) -Math.log(members)));
      case PIXEL_CONFIDENCE -> tf.nn.logSoftmax(tf.math.neg(logVariances));
      case IMAGE_CONFIDENCE -> {
        // log of the mean variance over the image's pixels, shifted by the image's largest log-variance.
        Operand<TInt32> pixels = tf.constant(new int[] {1, 2});
        Operand<TFloat32> top = tf.stopGradient(tf.reduceMax(logVariances, pixels, ReduceMax.keepDims(true)));
        Operand<TFloat32> logMean = tf.math.add(top, tf.math.log(tf.math.mean(
            tf.math.exp(tf.math.sub(logVariances, top)), pixels, Mean.keepDims(true))));
        yield tf.math.mul(tf.onesLike(probabilities), tf.nn.logSoftmax(tf.math.neg(logMean)));
      }
    };
    Operand<TFloat32> alphas = tf.math.exp(logAlphas);
    Operand<TFloat32> aleatoric = tf.reduceSum(tf.math.exp(tf.math.add(logAlphas, logVariances)), tf.constant(3),
        ReduceSum.keepDims(true));
    return new Fused(alphas, weightedSum(alphas, probabilities), aleatoric, epistemic, probabilities);
  }

  private Operand<TFloat32> weightedSum(Operand<TFloat32> alphas, Operand<TFloat32> values) {
    return tf.reduceSum(tf.math.mul(alphas, values), tf.constant(3), ReduceSum.keepDims(true));
  }

  private Operand<TFloat32> mean(Operand<TFloat32> values) {
    return tf.math.mean(values, tf.constant(3), Mean.keepDims(true));
  }
}
