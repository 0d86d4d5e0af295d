package org.dlema.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Paper eq. 4: the fused ensemble output p = sum_i alpha_i p_i with the weights of a {@link FusionRule}, plus the
 * two uncertainties the export serves. All maps are [batch, h, w, ·] with members along the last axis.
 *
 * <p>The confidence rules are softmaxes of minus a log-variance: alpha_i = (1/v_i) / sum_j (1/v_j) =
 * softmax_i(-log v_i), which stays finite when a member's variance is huge or tiny.
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
   * @param memberProbabilities sigmoid of each member's logit [b, h, w, M]
   */
  public record Fused(Operand<TFloat32> alphas, Operand<TFloat32> probability, Operand<TFloat32> aleatoric,
      Operand<TFloat32> epistemic, Operand<TFloat32> memberProbabilities) {}

  private final Ops tf;
  private final Operand<TFloat32> probabilities;
  private final Operand<TFloat32> logVariances;
  private final Operand<TFloat32> epistemic;
  private final int members;

  /** @param outputs every member's two maps, each [b, h, w, 1] */
  public Fusion(Ops tf, List<NetworkOutputs> outputs) {
    this.tf = tf;
    this.members = outputs.size();
    List<Operand<TFloat32>> p = new ArrayList<>();
    List<Operand<TFloat32>> s = new ArrayList<>();
    for (NetworkOutputs out : outputs) {
      p.add(tf.math.sigmoid(out.logit()));
      s.add(out.logVariance());
    }
    Operand<TInt32> last = tf.constant(3);
    probabilities = tf.concat(p, last);
    logVariances = tf.concat(s, last);
    Operand<TFloat32> deviation = tf.math.sub(probabilities, mean(probabilities));
    epistemic = mean(tf.math.mul(deviation, deviation));
  }

  public int members() {
    return members;
  }

  public Fused fuse(FusionRule rule) {
    Operand<TFloat32> alphas = switch (rule) {
      case UNIFORM -> tf.math.mul(tf.onesLike(probabilities), tf.constant(1f / members));
      case PIXEL_CONFIDENCE -> tf.nn.softmax(tf.math.neg(logVariances));
      case IMAGE_CONFIDENCE -> {
        Operand<TFloat32> meanVariance = tf.math.mean(tf.math.exp(logVariances), tf.constant(new int[] {1, 2}),
            Mean.keepDims(true));
        Operand<TFloat32> perImage = tf.nn.softmax(tf.math.neg(tf.math.log(meanVariance)));
        yield tf.math.mul(tf.onesLike(probabilities), perImage);
      }
    };
    return new Fused(alphas, weightedSum(alphas, probabilities), weightedSum(alphas, tf.math.exp(logVariances)),
        epistemic, probabilities);
  }

  private Operand<TFloat32> weightedSum(Operand<TFloat32> alphas, Operand<TFloat32> values) {
    return tf.reduceSum(tf.math.mul(alphas, values), tf.constant(3), ReduceSum.keepDims(true));
  }

  private Operand<TFloat32> mean(Operand<TFloat32> values) {
    return tf.math.mean(values, tf.constant(3), Mean.keepDims(true));
  }
}
