package org.dlema.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.train.MemberGraph;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingGraph;
import org.dlema.train.TrainingSettings;

/**
 * Step and inference times of network specs at several batch sizes, and the D-LEMA meta step (noisy and clean
 * batch of the same size) beside the plain step, all measured in one process so that their ratios are meaningful on
 * a shared, noisy machine. Each configuration is warmed up first (the first run of a new
 * fetch set pays for graph optimisation) and reported as the median of the timed steps.
 */
public final class StepTimes {
  /** One measured configuration. */
  public record Measurement(String spec, long parameters, int batch, int cleanBatch, double trainStepMedianMs,
      double inferenceMedianMs, double trainStepRatio, double metaStepMedianMs, double metaToPlainRatio) {}

  /** The whole run, as written to JSON. */
  public record Report(String measured, int warmup, int timed, int mcSamples, RunConfig.Versions versions,
      int processors, List<Measurement> measurements) {}

  private StepTimes() {}

  /** @param cleanBatch the meta step's clean batch, or null for the batch size itself */
  public static Report measure(List<NetworkSpec> specs, int[] batches, Integer cleanBatch, int warmup, int timed,
      PrintStream log) {
    List<Measurement> results = new ArrayList<>();
    double reference = Double.NaN;
    for (NetworkSpec spec : specs) {
      for (int batch : batches) {
        TrainingSettings settings = new TrainingSettings("benchmark", batch, 1e-4, 0.99, 5e-5,
            TrainingSettings.DEFAULT_MC_SAMPLES, 1, 1, 1, 1, 0.2);
        try (TrainingGraph graph = new TrainingGraph(spec, settings);
            MemberGraph meta = new MemberGraph(spec, settings, clean(cleanBatch, batch),
                MemberGraph.CleanLoss.CROSS_ENTROPY)) {
          graph.session().initialize();
          meta.session().initialize();
          int side = spec.inputSize();
          Random random = new Random(7);
          float[] images = new float[batch * side * side * 3];
          float[] labels = new float[batch * side * side];
          for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
          }
          for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextBoolean() ? 1f : 0f;
          }
          int cleanCount = clean(cleanBatch, batch);
          float[] cleanImages = new float[cleanCount * side * side * 3];
          float[] cleanLabels = new float[cleanCount * side * side];
          for (int i = 0; i < cleanImages.length; i++) {
            cleanImages[i] = images[i % images.length];
          }
          for (int i = 0; i < cleanLabels.length; i++) {
            cleanLabels[i] = labels[i % labels.length];
          }
          double[] train = new double[timed];
          double[] infer = new double[timed];
          double[] metaSteps = new double[timed];
          // Interleaved, so that the machine's load drifts alike for the three; the meta step's clean batch repeats
          // the same images (by default as many).
          for (int i = -warmup; i < timed; i++) {
            long start = System.nanoTime();
            graph.trainStep(images, labels, i + warmup, 1e-4f);
            long middle = System.nanoTime();
            graph.predict(images, batch);
            long end = System.nanoTime();
            meta.trainStep(images, labels, cleanImages, cleanLabels, i + warmup, 1e-4f);
            long last = System.nanoTime();
            if (i >= 0) {
              train[i] = (middle - start) / 1e6;
              infer[i] = (end - middle) / 1e6;
              metaSteps[i] = (last - end) / 1e6;
            }
          }
          double trainMedian = median(train);
          if (results.isEmpty()) {
            reference = trainMedian;
          }
          double metaMedian = median(metaSteps);
          Measurement m = new Measurement(spec.name(), graph.parameters().trainableCount(), batch, cleanCount,
              trainMedian, median(infer), trainMedian / reference, metaMedian, metaMedian / trainMedian);
          results.add(m);
          log.printf("%-14s %10d params  batch %3d  step %8.1f ms  inference %8.1f ms  (x%.2f)  meta step (clean "
              + "batch %d) %8.1f ms (x%.2f of the step)%n", m.spec(), m.parameters(), batch, m.trainStepMedianMs(),
              m.inferenceMedianMs(), m.trainStepRatio(), cleanCount, m.metaStepMedianMs(), m.metaToPlainRatio());
        }
      }
    }
    return new Report(Instant.now().toString(), warmup, timed, TrainingSettings.DEFAULT_MC_SAMPLES,
        RunConfig.Versions.current(), Runtime.getRuntime().availableProcessors(), results);
  }

  /** The report as a markdown table, for the benchmarks README. */
  public static String markdown(Report report) {
    StringBuilder table = new StringBuilder(
        "| spec | parameters | batch | train step (median ms) | inference (median ms) | step ratio "
            + "| clean batch | D-LEMA meta step (median ms) | meta / train step |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measurement m : report.measurements()) {
      table.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.1f | %.1f | %.2f | %d | %.1f | %.2f |%n",
          m.spec(), m.parameters(), m.batch(), m.trainStepMedianMs(), m.inferenceMedianMs(), m.trainStepRatio(),
          m.cleanBatch(), m.metaStepMedianMs(), m.metaToPlainRatio()));
    }
    return table.toString();
  }

  public static void write(Report report, Path json) throws IOException {
    JsonFiles.write(json, report);
    String name = json.getFileName().toString();
    String table = (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".md";
    JsonFiles.writeString(json.resolveSibling(table), markdown(report));
  }

  private static int clean(Integer cleanBatch, int batch) {
    return cleanBatch == null ? batch : cleanBatch;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
