package org.dlema.export;

import java.nio.file.Path;
import org.dlema.graph.FusionRule;
import org.dlema.train.CheckpointKind;

/**
 * What to export: checkpoint {@code checkpoint} of {@code run} as model {@code name}, version {@code version}, under
 * {@code root}. The ensemble's choices start at their defaults (rule chosen on validation, rules scored,
 * temperature-scaled) and change with the withers.
 *
 * @param fusion the rule behind the ensemble's {@code serving_default}, or null to choose the best on the run's
 *     validation images
 * @param scoreRules whether the rules are scored on validation when {@code fusion} is given (always when it is
 *     not); scratch exports for evaluation skip it
 * @param calibration whether each member's probability is temperature-scaled, in its own export and inside the
 *     fused graph (so that fusion combines calibrated members); null only for {@link Exports#export}, which then
 *     takes the run's default
 */
public record ExportRequest(Path run, CheckpointKind checkpoint, Path root, String name, int version, FusionRule fusion,
    boolean scoreRules, ProbabilityCalibration calibration) {
  /** A version that {@link Exports#export} replaces by one past the highest present. */
  public static final int NEXT_VERSION = 0;

  public static ExportRequest of(Path run, CheckpointKind checkpoint, Path root, String name, int version) {
    return new ExportRequest(run, checkpoint, root, name, version, null, true, ProbabilityCalibration.TEMPERATURE);
  }

  public ExportRequest withFusion(FusionRule rule) {
    return new ExportRequest(run, checkpoint, root, name, version, rule, scoreRules, calibration);
  }

  public ExportRequest withScoreRules(boolean score) {
    return new ExportRequest(run, checkpoint, root, name, version, fusion, score, calibration);
  }

  public ExportRequest withCalibration(ProbabilityCalibration served) {
    return new ExportRequest(run, checkpoint, root, name, version, fusion, scoreRules, served);
  }
}
