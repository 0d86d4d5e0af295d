package org.dlema.export;

/**
 * Whether an export serves calibrated probabilities. Evaluation exports the same run both ways to measure what
 * calibration changes.
 */
public enum ProbabilityCalibration {
  /**
   * Temperature scaling: each network's logit is divided by the temperature fitted on the run's validation images
   * ({@link Calibrations}) before its sigmoid. The default.
   */
  TEMPERATURE,
  /** The probabilities exactly as the network was trained to give them. */
  NONE
}
