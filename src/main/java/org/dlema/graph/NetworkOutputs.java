package org.dlema.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The two output maps of paper eq. 5 at the network's resolution: the segmentation logit f and the aleatoric
 * log-variance s (sigma^2 = exp(s)), both [batch, size, size, 1].
 */
public final class NetworkOutputs {
  private final Operand<TFloat32> logit;
  private final Operand<TFloat32> logVariance;
  private final BatchNorm batchNorm;

  NetworkOutputs(Operand<TFloat32> logit, Operand<TFloat32> logVariance, BatchNorm batchNorm) {
    this.logit = logit;
    this.logVariance = logVariance;
    this.batchNorm = batchNorm;
  }

  public Operand<TFloat32> logit() {
    return logit;
  }

  public Operand<TFloat32> logVariance() {
    return logVariance;
  }

  /**
   * The batch-norm moving-average updates of a training-mode pass. Build them with an Ops whose control
   * dependencies hold every gradient of the step, so statistics change only after all reads.
   */
  public List<Op> batchNormUpdates(Ops afterBarrier) {
    return batchNorm.updates(afterBarrier);
  }

  /** The batch means and variances of a training-mode pass (empty in inference mode). */
  public List<Operand<TFloat32>> batchStatistics() {
    return batchNorm.statistics();
  }
}
