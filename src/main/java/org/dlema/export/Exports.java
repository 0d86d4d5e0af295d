package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.dlema.graph.FusionRule;
import org.dlema.train.RunConfig;

/** Exports a run by its kind: a single network, or the fused ensemble with its members. */
public final class Exports {
  private Exports() {}

  /**
   * What an export wrote.
   *
   * @param model the single network's or the fused ensemble's version folder
   * @param members the members' version folders (empty for a single network)
   * @param defaultRule the rule behind the ensemble's {@code serving_default} (null for a single network)
   */
  public record Written(Path model, List<Path> members, FusionRule defaultRule) {}

  /**
   * Exports checkpoint {@code checkpoint} of {@code run} as model {@code name} under {@code root}.
   *
   * @param version the version number, or null for one more than the highest present (of every member too)
   * @param fusion the ensemble's default rule, or null to choose it on the validation images
   * @param calibration whether the served probabilities are temperature-scaled
   */
  public static Written export(Path run, String checkpoint, Path root, String name, Integer version,
      FusionRule fusion, ProbabilityCalibration calibration, PrintStream log) throws IOException {
    RunConfig config = RunConfig.read(run);
    if (config.isEnsemble()) {
      int v = version != null ? version
          : EnsembleExporter.nextVersion(root, name, config.ensemble().members());
      EnsembleExporter.Written written = EnsembleExporter.export(run, checkpoint, root, name, v, fusion,
          fusion == null, calibration, log);
      return new Written(written.ensemble(), written.members(), written.defaultRule());
    }
    int v = version != null ? version : ModelExporter.nextVersion(root.resolve(name));
    return new Written(ModelExporter.export(run, checkpoint, root, name, v, calibration, log), List.of(), null);
  }

  /** As {@link #export}; returns the single network's or the fused ensemble's version folder. */
  public static Path exportRun(Path run, String checkpoint, Path root, String name, int version, FusionRule fusion,
      ProbabilityCalibration calibration, PrintStream log) throws IOException {
    return export(run, checkpoint, root, name, version, fusion, calibration, log).model();
  }
}
