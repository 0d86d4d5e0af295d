package org.dlema.graph;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Paper eq. 5 (Kendall and Gal 2017): the logit is Gaussian, U ~ N(f, sigma^2). With T samples x_t = f + sigma e_t
 * the per-pixel loss is -log((1/T) sum_t p(y | x_t)), p the sigmoid likelihood. It is computed in log space as
 * log T - logsumexp_t(log p(y | x_t)) with log p(y | x) = -softplus((1 - 2y) x), never as the log of an average of
 * probabilities, which underflows for confident wrong pixels. The map is returned per pixel so that it can be
 * weighted (eq. 2).
 */
public final class AleatoricLoss {
  private AleatoricLoss() {}

  /**
   * Standard normal noise [T, batch, side, side, 1], or [T, 1, side, side, 1] when {@code draw} shares it across the
   * batch, from a stateless generator with a fed seed: the same seed gives the same noise, so a resumed run draws
   * what an uninterrupted one would. The shape is a constant because a shape read from a tensor would put an op
   * without a gradient on the gradient path.
   */
  public static Operand<TFloat32> noise(Ops tf, NoiseDraw draw, int samples, int batch, int side,
      Operand<TInt64> seed) {
    return tf.random.statelessRandomNormal(tf.constant(new long[] {samples, draw.maps(batch), side, side, 1}), seed);
  }

  /**
   * @param logit f, [b, h, w, 1]
   * @param logVariance s = log sigma^2, [b, h, w, 1]
   * @param label y in {0, 1}, [b, h, w, 1]
   * @param noise e_t ~ N(0, 1), [T, b, h, w, 1], or [T, 1, h, w, 1] for noise shared by the batch
   * @return the loss map [b, h, w, 1]
   */
  public static Operand<TFloat32> lossMap(Ops tf, Operand<TFloat32> logit, Operand<TFloat32> logVariance,
      Operand<TFloat32> label, Operand<TFloat32> noise, int samples) {
    Operand<TFloat32> sigma = tf.math.exp(tf.math.mul(logVariance, tf.constant(0.5f)));
    Operand<TFloat32> sampled = tf.math.add(logit, tf.math.mul(sigma, noise));
    Operand<TFloat32> logLikelihood = tf.math.neg(CrossEntropy.lossMap(tf, sampled, label));
    Operand<TFloat32> peak = tf.stopGradient(tf.max(logLikelihood, tf.constant(0), Max.keepDims(true)));
    Operand<TFloat32> sum = tf.sum(tf.math.exp(tf.math.sub(logLikelihood, peak)), tf.constant(0),
        Sum.keepDims(false));
    Operand<TFloat32> logSumExp = tf.math.add(tf.math.log(sum), tf.reshape(peak, tf.shape(sum)));
    return tf.math.sub(tf.constant((float) Math.log(samples)), logSumExp);
  }
}
