package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.dlema.graph.FusionRule;
import org.dlema.train.RunConfig;

/** Exports a run by its kind: a single network, or the fused ensemble with its members. */
public final class Exports {
  private Exports() {}

  /**
   * Exports checkpoint {@code checkpoint} of {@code run} as version {@code version} of model {@code name} under
   * {@code root}; returns the version folder of the single network or of the fused ensemble.
   *
   * @param fusion the ensemble's default rule, or null to choose it on the validation images
   * @param calibration whether the served probabilities are temperature-scaled
   */
  public static Path exportRun(Path run, String checkpoint, Path root, String name, int version, FusionRule fusion,
      ProbabilityCalibration calibration, PrintStream log) throws IOException {
    RunConfig config = RunConfig.read(run);
    if (config.isEnsemble()) {
      return EnsembleExporter.export(run, checkpoint, root, name, version, fusion, fusion == null, calibration, log)
          .ensemble();
    }
    return ModelExporter.export(run, checkpoint, root, name, version, calibration, log);
  }
}
