package org.dlema.train;

import org.dlema.train.EnsembleSettings.WeightNormalization;
import org.dlema.train.EnsembleSettings.WeightRegion;
import org.dlema.train.EnsembleSettings.Weighting;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Eq. 3 and its variants: the noisy batch's per-pixel weights from the meta-gradient g = dL_clean / d eps. The rule
 * (the paper's max(-g, 0), or its sign) picks the raw weights; the normalisation makes them sum to one over the
 * batch (the paper's), over each image, or share the mean loss's weight of the disputed pixels only. Which of these
 * combine is {@link EnsembleSettings}' to say. The weights carry no gradient.
 *
 * @param weights the weights, the shape of g
 * @param rawTotal the sum of the raw weights over the batch (0 when no pixel would lower the clean loss)
 */
record PixelWeights(Operand<TFloat32> weights, Operand<TFloat32> rawTotal) {
  /**
   * @param disputed 1 where an image's annotations disagree (all ones unless the region is disputed)
   * @param uniformWeight 1 / (B H W), a pixel's weight in the mean loss
   */
  static PixelWeights of(Ops tf, Operand<TFloat32> g, Operand<TFloat32> disputed, EnsembleSettings ensemble,
      int batch, float uniformWeight) {
    Operand<TInt32> all = tf.constant(new int[] {0, 1, 2, 3});
    Operand<TFloat32> raw = ensemble.weighting() == Weighting.SIGN
        ? tf.dtypes.cast(tf.math.less(g, tf.constant(0f)), TFloat32.class)
        : tf.math.maximum(tf.math.neg(g), tf.constant(0f));
    Operand<TFloat32> total = tf.sum(raw, all);
    Operand<TFloat32> weights;
    if (ensemble.weightRegion() == WeightRegion.DISPUTED) {
      weights = disputedShare(tf, raw, disputed, all, uniformWeight);
    } else if (ensemble.weightNormalization() == WeightNormalization.IMAGE) {
      weights = perImage(tf, raw, batch);
    } else {
      Operand<TFloat32> isZero = tf.dtypes.cast(tf.math.equal(total, tf.constant(0f)), TFloat32.class);
      weights = tf.math.div(raw, tf.math.add(total, isZero));
    }
    return new PixelWeights(tf.stopGradient(weights), total);
  }

  /**
   * Undisputed pixels weigh 1 / (B H W) as in the mean loss; the disputed ones share their mean-loss weight,
   * n_d / (B H W), in proportion to their learned weights (none, when no disputed pixel has any).
   */
  private static Operand<TFloat32> disputedShare(Ops tf, Operand<TFloat32> raw, Operand<TFloat32> disputed,
      Operand<TInt32> all, float uniformWeight) {
    Operand<TFloat32> learned = tf.math.mul(raw, disputed);
    Operand<TFloat32> learnedTotal = tf.sum(learned, all);
    Operand<TFloat32> isZero = tf.dtypes.cast(tf.math.equal(learnedTotal, tf.constant(0f)), TFloat32.class);
    Operand<TFloat32> disputedShare = tf.math.mul(tf.sum(disputed, all), tf.constant(uniformWeight));
    Operand<TFloat32> undisputed = tf.math.mul(tf.math.sub(tf.constant(1f), disputed), tf.constant(uniformWeight));
    return tf.math.add(undisputed, tf.math.mul(learned, tf.math.div(disputedShare, tf.math.add(learnedTotal,
        isZero))));
  }

  /** Each image's weights sum to 1/B (an image whose weights are all zero keeps them). */
  private static Operand<TFloat32> perImage(Ops tf, Operand<TFloat32> raw, int batch) {
    Operand<TFloat32> perImage = tf.sum(raw, tf.constant(new int[] {1, 2, 3}), Sum.keepDims(true));
    Operand<TFloat32> empty = tf.dtypes.cast(tf.math.equal(perImage, tf.constant(0f)), TFloat32.class);
    return tf.math.div(raw, tf.math.mul(tf.constant((float) batch), tf.math.add(perImage, empty)));
  }
}
