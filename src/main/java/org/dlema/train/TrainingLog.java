package org.dlema.train;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.ImageFiles;
import org.dlema.data.preprocess.Normalization;
import org.dlema.eval.Charts;

/**
 * Everything a run writes about its progress: {@code metrics.jsonl}, the TensorBoard event files and
 * {@code progress.png}. A resumed run drops what was logged after its checkpoint and continues the files.
 */
final class TrainingLog implements AutoCloseable {
  private final Path run;
  private final MetricsLog metrics;
  private final boolean resume;
  private final long start;
  private final PrintStream log;
  private EventFileWriter events;
  private boolean plotFailed;

  TrainingLog(Path run, long start, boolean resume, PrintStream log) throws IOException {
    this.run = run;
    this.log = log;
    this.start = start;
    this.resume = resume;
    this.metrics = new MetricsLog(run.resolve("metrics.jsonl"), start);
  }

  /** The events file, opened at the first figure: a resumed run with no step left writes none. */
  private EventFileWriter events() throws IOException {
    if (events == null) {
      events = new EventFileWriter(run);
      if (resume) {
        events.restartAt(start);
      }
    }
    return events;
  }

  /** Training figures of {@code step}, to metrics.jsonl and TensorBoard. */
  void scalars(long step, Map<String, Double> values) throws IOException {
    metrics.write(step, values);
    for (Map.Entry<String, Double> figure : values.entrySet()) {
      events().scalar(figure.getKey(), step, figure.getValue());
    }
  }

  /** A validation: its scores, a sample picture for TensorBoard, and a redrawn progress.png. */
  void validation(long step, Validation.Score score, boolean references, BufferedImage sample) throws IOException {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("val_jaccard", score.jaccard());
    values.put("val_jaccard_reference", score.referenceJaccard());
    values.put("val_jaccard_reference_pooled", score.pooledReferenceJaccard());
    metrics.write(step, values);
    events().scalar("validation/jaccard", step, score.jaccard());
    if (references) {
      events().scalar("validation/jaccard_reference", step, score.referenceJaccard());
      events().scalar("validation/jaccard_reference_pooled", step, score.pooledReferenceJaccard());
    }
    events().image("validation/sample", step, sample);
    writeProgressPlot();
  }

  /**
   * {@code progress.png}: training loss and validation Jaccard against steps. A chart that cannot be drawn (a JDK
   * without fonts) is skipped with one message; it never stops training.
   */
  private void writeProgressPlot() {
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

  /** Image, target annotation and predicted probability of the first validation image, side by side. */
  static BufferedImage samplePanel(PreparedSet validation, int target, Normalization normalization,
      float[] probability) {
    int side = validation.side();
    BufferedImage panel = new BufferedImage(3 * side, side, BufferedImage.TYPE_INT_RGB);
    float[] image = validation.images()[0];
    float[] mask = validation.masks()[0][target];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int p = y * side + x;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double raw = image[3 * p + c] * normalization.std()[c] + normalization.mean()[c];
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(raw)));
        }
        panel.setRGB(x, y, rgb);
        int t = mask[p] > 0.5f ? 255 : 0;
        panel.setRGB(side + x, y, (t << 16) | (t << 8) | t);
        int q = Math.round(255 * probability[p]);
        panel.setRGB(2 * side + x, y, (q << 16) | (q << 8) | q);
      }
    }
    return panel;
  }

  @Override
  public void close() throws IOException {
    try {
      if (events != null) {
        events.close();
      }
    } finally {
      metrics.close();
    }
  }
}
