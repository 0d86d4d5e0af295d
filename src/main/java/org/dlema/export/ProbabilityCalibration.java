package org.dlema.export;

/**
 * Whether an export serves calibrated probabilities. Evaluation exports the same run both ways to measure what
 * calibration changes.
 */
public enum ProbabilityCalibration {
  /**
   * Temperature scaling: each network's logit is divided by the temperature fitted on the run's validation images
   * ({@link Calibrations}) before its sigmoid, and a fused ensemble's probability is divided by its own temperature
   * per rule ({@link FusedCalibration}). The default.
   */
  TEMPERATURE,
  /**
   * Each network's temperature only: a fused ensemble combines its calibrated members and serves the fusion as it
   * is (for single networks the same as {@link #TEMPERATURE}). Measures what the ensemble's temperature adds.
   */
  MEMBERS,
  /** The probabilities exactly as the network was trained to give them. */
  NONE
}
