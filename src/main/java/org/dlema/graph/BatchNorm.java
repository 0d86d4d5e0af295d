package org.dlema.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Batch normalisation written with moments and rsqrt rather than the fused op, whose gradient cannot be
 * differentiated again (the meta step needs gradients of gradients). In training mode it normalises with the batch
 * statistics and queues the moving-average updates, which the step runs after its gradient barrier.
 */
final class BatchNorm {
  private final NetworkSpec spec;
  private final List<UpdateRequest> pending = new ArrayList<>();

  /** A moving-average update to be created by the training step, after its barrier. */
  record UpdateRequest(Variable<TFloat32> average, Operand<TFloat32> batchValue) {}

  BatchNorm(NetworkSpec spec) {
    this.spec = spec;
  }

  Operand<TFloat32> apply(Parameters params, String name, Operand<TFloat32> x, int channels, Mode mode) {
    Ops tf = params.ops();
    Shape shape = Shape.of(channels);
    Operand<TFloat32> gamma = params.filled(name + ".gamma", shape, 1f);
    Operand<TFloat32> beta = params.filled(name + ".beta", shape, 0f);
    Variable<TFloat32> movingMean = params.statistic(name + ".moving_mean", shape, 0f);
    Variable<TFloat32> movingVariance = params.statistic(name + ".moving_variance", shape, 1f);
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (mode == Mode.TRAIN) {
      Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {0, 1, 2});
      mean = tf.math.mean(x, axes, Mean.keepDims(false));
      variance = tf.math.mean(tf.math.squaredDifference(x, mean), axes, Mean.keepDims(false));
      pending.add(new UpdateRequest(movingMean, mean));
      pending.add(new UpdateRequest(movingVariance, variance));
    } else {
      mean = movingMean;
      variance = movingVariance;
    }
    Operand<TFloat32> scale = tf.math.mul(gamma,
        tf.math.rsqrt(tf.math.add(variance, tf.constant((float) spec.batchNormEpsilon()))));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
  }

  /** The batch statistics of a training-mode pass, in the order of its layers. */
  List<Operand<TFloat32>> statistics() {
    return pending.stream().map(UpdateRequest::batchValue).toList();
  }

  /** Creates the moving-average assigns; call with an Ops that carries the step's barrier. */
  List<Op> updates(Ops afterBarrier) {
    List<Op> ops = new ArrayList<>();
    Operand<TFloat32> keep = afterBarrier.constant((float) spec.batchNormMomentum());
    Operand<TFloat32> take = afterBarrier.constant((float) (1 - spec.batchNormMomentum()));
    for (UpdateRequest request : pending) {
      Operand<TFloat32> blended = afterBarrier.math.add(afterBarrier.math.mul(request.average(), keep),
          afterBarrier.math.mul(afterBarrier.stopGradient(request.batchValue()), take));
      ops.add(afterBarrier.assign(request.average(), blended));
    }
    return ops;
  }
}
