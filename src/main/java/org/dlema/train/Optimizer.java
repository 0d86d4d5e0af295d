package org.dlema.train;

import com.google.gson.annotations.SerializedName;

/**
 * The real update of every training step. The paper's is SGD with momentum. Adam (Kingma and Ba 2015) scales each
 * parameter's step by its own gradient history, so parameters whose gradients are small throughout, as on objects
 * that cover a small share of the image, still move at the learning rate. Both fold the L2 weight decay into the
 * gradient. D-LEMA's virtual inner step (eq. 1) stays plain SGD with either.
 */
public enum Optimizer {
  /** SGD with momentum (paper 3.2). */
  @SerializedName("momentum") MOMENTUM,
  /** Adam with beta1 {@value #ADAM_BETA1}, beta2 {@value #ADAM_BETA2} and epsilon {@value #ADAM_EPSILON}. */
  @SerializedName("adam") ADAM;

  public static final float ADAM_BETA1 = 0.9f;
  public static final float ADAM_BETA2 = 0.999f;
  public static final float ADAM_EPSILON = 1e-8f;

  /** The name as the command line and config.json write it. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
