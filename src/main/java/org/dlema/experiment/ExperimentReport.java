package org.dlema.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlema.eval.EvaluationReport;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.NoiseDraw;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.Method;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingSettings;
import org.dlema.train.WeightRatios;

/** {@code report.md}: the settings every network was trained with (read from the runs), the tables and figures. */
final class ExperimentReport {
  private ExperimentReport() {}

  /** The report of an experiment whose models (table label to run folder) are trained and evaluated. */
  static String markdown(Experiment experiment, ExperimentState state, Map<String, Path> models, Path evaluation)
      throws IOException {
    Path dlemaRun = models.get(Experiment.label(Method.DLEMA));
    Path dropoutRun = models.get(Experiment.label(Method.MC_DROPOUT) + " 1");
    TrainingSettings s = RunConfig.read(models.values().iterator().next()).settings();
    StringBuilder md = new StringBuilder("# Experiment report\n\n");
    md.append("Training set `").append(state.data()).append("`; test sets ").append(String.join(", ",
        state.tests().stream().map(t -> "`" + t + "`").toList())).append("; methods ")
        .append(String.join(", ", state.methods())).append(".\n\n");
    md.append(String.format(Locale.ROOT, "Budget **%s**: every network %d steps of batch %d, learning rate %s "
        + "(%s), momentum %s, weight decay %s, %d Monte Carlo samples%s, %s",
        experiment.budget().name(), s.steps(), s.batchSize(), s.learningRate(), s.schedule().describe(),
        s.momentum(), s.weightDecay(), s.mcSamples(),
        s.noiseDraw() == NoiseDraw.SHARED ? " (their " + s.noiseDraw().describe() + ")" : "",
        s.augmentation().enabled() ? "augmentation " + s.augmentation().describe() : "no augmentation"));
    if (s.averageDecay() > 0) {
      md.append(String.format(Locale.ROOT, ", weights averaged (decay %s per step)", s.averageDecay()));
    }
    if (dlemaRun != null) {
      EnsembleSettings e = RunConfig.read(dlemaRun).ensemble();
      md.append(String.format(Locale.ROOT, "; D-LEMA clean batch %d, %d members, clean loss %s, partition %s%s",
          e.cleanBatch(), e.members(), e.cleanLoss(), e.partitionRule().id(),
          e.isPaperMethod() ? "" : " (variant: " + variant(e) + ")"));
    }
    if (dropoutRun != null) {
      NetworkSpec dropout = RunConfig.read(dropoutRun).spec();
      md.append(String.format(Locale.ROOT, "; MC dropout p = %s, %d layers, %d passes", dropout.dropout(),
          dropout.dropoutLayers(), dropout.mcPasses()));
    }
    md.append(String.format(Locale.ROOT, "; spec `%s`, seed %d.%n%n", state.spec(), state.seed()));
    if (state.fit() != null) {
      md.append("Steps ").append(state.fit().describe()).append(".\n\n");
    }
    md.append("Rows: `baseline` = Table 1 row A; `D-LEMA member i` = rows B-F; `D-LEMA uniform`, "
        + "`D-LEMA pixel_confidence`, `D-LEMA image_confidence` = rows G, H, I; `less-is-more` = row J; `STAPLE` "
        + "= a network trained on each image's STAPLE consensus (not in the paper); `MC dropout i` = Table 2 "
        + "rows A-E (row F, the deep ensemble, is `D-LEMA uniform`). Every model serves temperature-scaled "
        + "probabilities (one temperature per network, fitted on its run's validation images against their "
        + "reference masks when the data keeps them, else every annotation, and one more per fusion rule on the "
        + "fused probability; all recorded in the model cards); the rows marked `(uncalibrated)` are the baseline "
        + "and the ensemble as trained, for calibration before and after.\n\n");
    md.append(Files.readString(evaluation.resolve(EvaluationReport.TABLES)));
    if (dlemaRun != null) {
      weights(md, dlemaRun, Files.isRegularFile(experiment.out().resolve(Experiment.WEIGHT_FIGURE)));
    }
    md.append("\n## Figures\n\n- Reliability diagrams: `evaluation/reliability/`\n"
        + "- Overlays of the first test images: `evaluation/examples/`\n");
    int cores = Runtime.getRuntime().availableProcessors();
    md.append("\n## Wall time per stage\n\nCores busy: the stage's process CPU time over its wall time (of "
        + cores + " cores here).\n\n| stage | minutes | cores busy |\n|---|---|---|\n");
    double wall = 0;
    double cpu = 0;
    for (var stage : state.seconds().entrySet()) {
      Double used = state.cpuSeconds().get(stage.getKey());
      md.append(String.format(Locale.ROOT, "| %s | %.1f | %s |%n", stage.getKey(), stage.getValue() / 60,
          used == null ? "" : String.format(Locale.ROOT, "%.2f", used / stage.getValue())));
      if (used != null) {
        wall += stage.getValue();
        cpu += used;
      }
    }
    md.append(String.format(Locale.ROOT, "| all | %.1f | %s |%n", state.seconds().values().stream()
        .mapToDouble(Double::doubleValue).sum() / 60, wall > 0 ? String.format(Locale.ROOT, "%.2f", cpu / wall) : ""));
    return md.toString();
  }

  private static void weights(StringBuilder md, Path dlemaRun, boolean figure) throws IOException {
    md.append("\n## Where the weights go\n\n");
    List<WeightRatios> ratios = WeightRatios.of(dlemaRun);
    if (ratios.isEmpty()) {
      md.append("No member kept weight maps (they are kept in each image's own frame; members augmented with zoom "
          + "or shift keep none, since those transforms have no exact inverse).\n");
      return;
    }
    md.append("Per member, over the latest weight maps of the sampled training images "
        + "(1 = the weight of a batch whose pixels all count the same): the mean weight on pixels where an "
        + "annotation disagrees with the member's trusted annotation, where it agrees, and their ratio (the "
        + "paper's Figures 3-4 suggest near 0).\n\n| member | disagreeing | agreeing | ratio | disagreeing pixels |\n"
        + "|---|---|---|---|---|\n");
    for (WeightRatios r : ratios) {
      md.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %d |%n", r.member(), r.disagree(), r.agree(),
          r.ratio(), r.disagreeingPixels()));
    }
    if (figure) {
      md.append("\nThe members' learned weight maps over the inconsistency maps (paper Figures 3-4): "
          + "![weights](" + Experiment.WEIGHT_FIGURE + ")\n");
    }
  }

  private static String variant(EnsembleSettings e) {
    return String.format(Locale.ROOT, "weighting %s, normalised per %s, region %s, plain share %s, meta warm-up "
        + "%d, clean source %s, initial checkpoint %s", e.weighting(), e.weightNormalization(), e.weightRegion(),
        e.plainShare(), e.metaWarmup(), e.cleanSource(), e.initialCheckpoint());
  }
}
