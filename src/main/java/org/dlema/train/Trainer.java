package org.dlema.train;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlema.data.ImageFiles;
import org.dlema.data.preprocess.Normalization;
import org.dlema.eval.Charts;
import org.dlema.io.Progress;

/**
 * The training loop of the unweighted methods (baseline: one random annotation per image per batch). Batches and
 * Monte Carlo noise are pure functions of (seed, step) and every update waits behind the gradient barrier, so a run
 * resumed from its latest checkpoint ends bit-identical to an uninterrupted one.
 */
public final class Trainer {
  /** How a run ended. */
  public record Outcome(long steps, double bestJaccard, long bestStep, double lastJaccard,
      double lastReferenceJaccard, boolean diverged, double medianStepSeconds) {}

  /** Builds the method's graph; called once per training (the graph lives only as long as the loop). */
  interface MethodFactory {
    TrainingMethod create();
  }

  private final Path run;
  private final MethodFactory methods;
  private final long validationSeed;
  private final TrainingSettings settings;
  private final PreparedSet validation;
  private final Normalization normalization;
  private final PrintStream log;
  private boolean plotFailed;

  /** @param validationSeed draws each validation image's target annotation (shared by an ensemble's members) */
  Trainer(Path run, MethodFactory methods, TrainingSettings settings, long validationSeed, PreparedSet validation,
      Normalization normalization, PrintStream log) {
    this.run = run;
    this.methods = methods;
    this.validationSeed = validationSeed;
    this.settings = settings;
    this.validation = validation;
    this.normalization = normalization;
    this.log = log;
  }

  /** Trains to {@code settings.steps()}, from the latest checkpoint when {@code resume} is set. */
  public Outcome train(boolean resume) throws IOException {
    Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"));
    try (TrainingMethod method = methods.create()) {
      long start = 0;
      double best = Double.NEGATIVE_INFINITY;
      long bestStep = 0;
      if (resume) {
        Checkpoints.State state = checkpoints.state(Checkpoints.LATEST).orElseThrow(() -> new IOException(
            run + ": no checkpoint to resume from (checkpoints/latest is missing)"));
        method.restore(checkpoints.folder(Checkpoints.LATEST));
        start = state.step();
        best = state.best();
        bestStep = state.bestStep();
        log.println("resuming at step " + start + " of " + settings.steps());
      } else {
        method.session().initialize();
      }
      Validation validator = new Validation(validation, validationSeed);
      int logEvery = Math.max(1, Math.min(50, settings.validateEvery()));
      double lastJaccard = Double.NaN;
      double lastReference = Double.NaN;
      double[] stepSeconds = new double[(int) Math.max(0, settings.steps() - start)];
      Progress progress = Progress.onStderr("training", settings.steps() - start);
      try (MetricsLog metrics = new MetricsLog(run.resolve("metrics.jsonl"), start);
          EventFileWriter events = new EventFileWriter(run)) {
        if (resume) {
          events.restartAt(start);
        }
        double windowLoss = 0;
        int windowSteps = 0;
        Map<String, Double> windowFigures = new LinkedHashMap<>();
        double validationWindowLoss = 0;
        int validationWindowSteps = 0;
        for (long step = start; step < settings.steps(); step++) {
          long begin = System.nanoTime();
          TrainingMethod.StepResult result = method.step(step, (float) settings.learningRate());
          float loss = result.loss();
          stepSeconds[(int) (step - start)] = (System.nanoTime() - begin) / 1e9;
          long done = step + 1;
          if (!Float.isFinite(loss)) {
            progress.line(log, "training diverged at step " + done + " (loss " + loss + "); the last good "
                + "checkpoint is kept in " + checkpoints.folder(Checkpoints.LATEST)
                + ". Start a new run with a lower --lr or a smaller --momentum.");
            return new Outcome(step, best, bestStep, lastJaccard, lastReference, true, median(stepSeconds,
                (int) (step - start)));
          }
          windowLoss += loss;
          windowSteps++;
          result.figures().forEach((k, v) -> windowFigures.merge(k, v, Double::sum));
          validationWindowLoss += loss;
          validationWindowSteps++;
          progress.step();
          if (done % logEvery == 0 || done == settings.steps()) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", windowLoss / windowSteps);
            values.put("learning_rate", settings.learningRate());
            for (Map.Entry<String, Double> figure : windowFigures.entrySet()) {
              values.put(figure.getKey(), figure.getValue() / windowSteps);
            }
            windowFigures.clear();
            metrics.write(done, values);
            for (Map.Entry<String, Double> figure : values.entrySet()) {
              events.scalar(figure.getKey(), done, figure.getValue());
            }
            windowLoss = 0;
            windowSteps = 0;
          }
          if (done % settings.validateEvery() == 0 || done == settings.steps()) {
            Validation.Score score = validator.score(method::predict);
            lastJaccard = score.jaccard();
            lastReference = score.referenceJaccard();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("val_jaccard", score.jaccard());
            values.put("val_jaccard_reference", score.referenceJaccard());
            metrics.write(done, values);
            events.scalar("validation/jaccard", done, score.jaccard());
            if (validation.hasReferences()) {
              events.scalar("validation/jaccard_reference", done, score.referenceJaccard());
            }
            events.image("validation/sample", done, samplePanel(validator, score.firstProbability()));
            String line = String.format("step %d/%d: mean loss %.4f, validation Jaccard %.2f%%", done,
                settings.steps(), validationWindowLoss / validationWindowSteps, 100 * score.jaccard());
            validationWindowLoss = 0;
            validationWindowSteps = 0;
            if (validation.hasReferences()) {
              line += String.format(" (%.2f%% against the reference masks)", 100 * score.referenceJaccard());
            }
            if (score.jaccard() > best) {
              best = score.jaccard();
              bestStep = done;
              checkpoints.save(Checkpoints.BEST, method.session(),
                  Checkpoints.State.of(done, score.jaccard(), best, bestStep));
              line += ", new best";
            }
            progress.line(log, line);
            writeProgressPlot(metrics);
          }
          if (done % settings.checkpointEvery() == 0 || done == settings.steps()) {
            checkpoints.save(Checkpoints.LATEST, method.session(),
                Checkpoints.State.of(done, lastJaccard, best, bestStep));
            method.saveExtras(run);
          }
        }
        progress.done();
        checkpoints.save(Checkpoints.FINAL, method.session(),
            Checkpoints.State.of(settings.steps(), lastJaccard, best, bestStep));
      }
      return new Outcome(settings.steps(), best, bestStep, lastJaccard, lastReference, false,
          median(stepSeconds, stepSeconds.length));
    }
  }

  /**
   * {@code progress.png}, redrawn at every validation: training loss and validation Jaccard against steps. A chart
   * that cannot be drawn (a JDK without fonts) is skipped with one message; it never stops training.
   */
  private void writeProgressPlot(MetricsLog metrics) {
    if (plotFailed) {
      return;
    }
    try {
      double[][] loss = metrics.series("loss");
      double[][] jaccard = metrics.series("val_jaccard");
      double[][] reference = metrics.series("val_jaccard_reference");
      List<Charts.Series> top = List.of(new Charts.Series("training loss", loss[0], loss[1], new Color(200, 60, 40)));
      List<Charts.Series> bottom = new ArrayList<>();
      bottom.add(new Charts.Series("validation Jaccard", jaccard[0], jaccard[1], new Color(30, 90, 200)));
      if (reference[0].length > 0) {
        bottom.add(new Charts.Series("against reference masks", reference[0], reference[1],
            new Color(40, 150, 60)));
      }
      BufferedImage upper = Charts.lines("training loss (mean per logged window)", "step", top, 640, 260);
      BufferedImage lower = Charts.lines("validation Jaccard", "step", bottom, 640, 260);
      BufferedImage plot = new BufferedImage(640, 520, BufferedImage.TYPE_INT_RGB);
      plot.getGraphics().drawImage(upper, 0, 0, null);
      plot.getGraphics().drawImage(lower, 0, 260, null);
      ImageFiles.writePng(plot, run.resolve("progress.png"));
    } catch (IOException | RuntimeException | LinkageError | InternalError e) {
      plotFailed = true;
      log.println("note: progress.png not drawn (" + e + "); training goes on");
    }
  }

  private static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return sorted[n / 2];
  }

  /** Image, target annotation and predicted probability of the first validation image, side by side. */
  private BufferedImage samplePanel(Validation validator, float[] probability) {
    int side = validation.side();
    BufferedImage panel = new BufferedImage(3 * side, side, BufferedImage.TYPE_INT_RGB);
    float[] image = validation.images()[0];
    float[] target = validation.masks()[0][validator.chosenAnnotation(0)];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int p = y * side + x;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double raw = image[3 * p + c] * normalization.std()[c] + normalization.mean()[c];
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(raw)));
        }
        panel.setRGB(x, y, rgb);
        int t = target[p] > 0.5f ? 255 : 0;
        panel.setRGB(side + x, y, (t << 16) | (t << 8) | t);
        int q = Math.round(255 * probability[p]);
        panel.setRGB(2 * side + x, y, (q << 16) | (q << 8) | q);
      }
    }
    return panel;
  }
}
