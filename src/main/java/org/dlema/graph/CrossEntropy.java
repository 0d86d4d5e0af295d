package org.dlema.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The per-pixel sigmoid cross-entropy of a logit x against a 0/1 label y, -log p(y | x), in its stable form
 * softplus((1 - 2y) x): (1 - 2y) is +1 for background and -1 for foreground. Eq. 1's clean loss, and inside eq. 5
 * the log-likelihood of each Monte Carlo sample.
 */
public final class CrossEntropy {
  private CrossEntropy() {}

  /** @return the loss map, the shape of {@code logit} */
  public static Operand<TFloat32> lossMap(Ops tf, Operand<TFloat32> logit, Operand<TFloat32> label) {
    Operand<TFloat32> sign = tf.math.sub(tf.constant(1f), tf.math.mul(tf.constant(2f), label));
    return tf.math.softplus(tf.math.mul(sign, logit));
  }
}
