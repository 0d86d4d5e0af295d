package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.graph.FusionRule;
import org.dlema.train.RunConfig;
import org.dlema.train.RunFolder;

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
   * Exports the run of {@code request}.
   *
   * <p>A version of {@link ExportRequest#NEXT_VERSION} takes one more than the highest present (of every member
   * too). A null calibration takes the default: temperature scaling where the run validates on at least
   * {@link Calibrations#FEW_IMAGES} images, else none (a temperature fitted on a handful of images is chance), said
   * on {@code log} once the export is written.
   */
  public static Written export(ExportRequest request, PrintStream log) throws IOException {
    Path run = request.run();
    RunConfig config = RunConfig.read(run);
    ProbabilityCalibration calibration = request.calibration();
    int images = calibration != null ? 0
        : TrainValidationSplit.load(RunFolder.of(run).split()).validation().size();
    boolean few = calibration == null && images < Calibrations.FEW_IMAGES;
    ProbabilityCalibration served = calibration != null ? calibration
        : few ? ProbabilityCalibration.NONE : ProbabilityCalibration.TEMPERATURE;
    Written written;
    if (config.isEnsemble()) {
      int v = request.version() != ExportRequest.NEXT_VERSION ? request.version()
          : EnsembleExporter.nextVersion(request.root(), request.name(), config.ensemble().members());
      EnsembleExporter.Written ensemble = EnsembleExporter.export(new ExportRequest(run, request.checkpoint(),
          request.root(), request.name(), v, request.fusion(), request.fusion() == null, served), log);
      written = new Written(ensemble.ensemble(), ensemble.members(), ensemble.defaultRule());
    } else {
      int v = request.version() != ExportRequest.NEXT_VERSION ? request.version()
          : ModelExporter.nextVersion(request.root().resolve(request.name()));
      written = new Written(ModelExporter.export(new ExportRequest(run, request.checkpoint(), request.root(),
          request.name(), v, null, false, served), log), List.of(), null);
    }
    if (few) {
      // Said after the export, so that a run that cannot be exported gets its error alone.
      log.println("warning: " + run + " has " + images + " validation images, fewer than "
          + Calibrations.FEW_IMAGES + ": exported without temperature scaling, which so few images would fit by "
          + "chance (ask for temperature calibration to fit it anyway)");
    }
    return written;
  }
}
