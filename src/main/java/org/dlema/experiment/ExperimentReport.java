package org.dlema.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.dlema.eval.EvaluationReport;
import org.dlema.graph.NetworkSpec;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingSettings;
import org.dlema.train.WeightRatios;

/** {@code report.md}: the settings every network was trained with (read from the runs), the tables and figures. */
final class ExperimentReport {
  private ExperimentReport() {}

  static String markdown(Experiment experiment, ExperimentState state, Path dlemaRun, NetworkSpec dropout,
      Path evaluation) throws IOException {
    RunConfig dlema = RunConfig.read(dlemaRun);
    TrainingSettings s = dlema.settings();
    EnsembleSettings e = dlema.ensemble();
    StringBuilder md = new StringBuilder("# Experiment report\n\n");
    md.append("Training set `").append(state.data()).append("`; test sets ").append(String.join(", ",
        state.tests().stream().map(t -> "`" + t + "`").toList())).append(".\n\n");
    md.append(String.format(Locale.ROOT, "Budget **%s**: every network %d steps of batch %d, learning rate %s "
        + "(%s), momentum %s, weight decay %s, %d Monte Carlo samples, %s; D-LEMA clean batch %d, %d members, clean "
        + "loss %s, partition %s%s; MC dropout p = %s, %d layers, %d passes; spec `%s`, seed %d.%n%n",
        experiment.budget().name(), s.steps(), s.batchSize(), s.learningRate(), s.schedule().describe(),
        s.momentum(), s.weightDecay(), s.mcSamples(),
        s.augmentation().enabled() ? "augmentation " + s.augmentation() : "no augmentation", e.cleanBatch(), e.members(), e.cleanLoss(),
        e.partitionRule().id(), e.isPaperMethod() ? "" : " (variant: " + variant(e) + ")", dropout.dropout(),
        dropout.dropoutLayers(), dropout.mcPasses(), state.spec(), state.seed()));
    md.append("Rows: `baseline` = Table 1 row A; `D-LEMA member i` = rows B-F; `D-LEMA uniform`, "
        + "`D-LEMA pixel_confidence`, `D-LEMA image_confidence` = rows G, H, I; `less-is-more` = row J; `STAPLE` "
        + "= a network trained on each image's STAPLE consensus (not in the paper); `MC dropout i` = Table 2 "
        + "rows A-E (row F, the deep ensemble, is `D-LEMA uniform`). Every model serves temperature-scaled "
        + "probabilities (one temperature per network, fitted on its run's validation images and recorded in its "
        + "model card); the rows marked `(uncalibrated)` are the baseline and the ensemble as trained, for "
        + "calibration before and after.\n\n");
    md.append(Files.readString(evaluation.resolve(EvaluationReport.TABLES)));
    md.append("\n## Where the weights go\n\nPer member, over the latest weight maps of the sampled training images "
        + "(1 = the weight of a batch whose pixels all count the same): the mean weight on pixels where an "
        + "annotation disagrees with the member's trusted annotation, where it agrees, and their ratio (the "
        + "paper's Figures 3-4 suggest near 0).\n\n| member | disagreeing | agreeing | ratio | disagreeing pixels |\n"
        + "|---|---|---|---|---|\n");
    for (WeightRatios r : WeightRatios.of(dlemaRun)) {
      md.append(String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %d |%n", r.member(), r.disagree(), r.agree(),
          r.ratio(), r.disagreeingPixels()));
    }
    md.append("\n## Figures\n\n- The members' learned weight maps over the inconsistency maps (paper Figures "
        + "3-4): ![weights](figures/weights.png)\n- Reliability diagrams: `evaluation/reliability/`\n"
        + "- Overlays of the first test images: `evaluation/examples/`\n\n## Wall time per stage\n\n"
        + "| stage | minutes |\n|---|---|\n");
    state.seconds().forEach((stage, seconds) -> md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", stage,
        seconds / 60)));
    return md.toString();
  }

  private static String variant(EnsembleSettings e) {
    return String.format(Locale.ROOT, "weighting %s, normalised per %s, plain share %s, meta warm-up %d, clean "
        + "source %s, initial checkpoint %s", e.weighting(), e.weightNormalization(), e.plainShare(),
        e.metaWarmup(), e.cleanSource(), e.initialCheckpoint());
  }
}
