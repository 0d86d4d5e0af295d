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
import org.dlema.graph.Tensors;
import org.dlema.io.JsonFiles;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingGraph;
import org.dlema.train.TrainingSettings;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Step and inference times of network specs at several batch sizes, all measured in one process so that their
 * ratios are meaningful on a shared, noisy machine. Each configuration is warmed up first (the first run of a new
 * fetch set pays for graph optimisation) and reported as the median of the timed steps.
 */
public final class StepTimes {
  /** One measured configuration. */
  public record Measurement(String spec, long parameters, int batch, double trainStepMedianMs,
      double inferenceMedianMs, double trainStepRatio) {}

  /** The whole run, as written to JSON. */
  public record Report(String measured, int warmup, int timed, int mcSamples, RunConfig.Versions versions,
      int processors, List<Measurement> measurements) {}

  private StepTimes() {}

  public static Report measure(List<NetworkSpec> specs, int[] batches, int warmup, int timed, PrintStream log) {
    List<Measurement> results = new ArrayList<>();
    double reference = Double.NaN;
    for (NetworkSpec spec : specs) {
      for (int batch : batches) {
        TrainingSettings settings = new TrainingSettings("benchmark", batch, 1e-4, 0.99, 5e-5,
            TrainingSettings.DEFAULT_MC_SAMPLES, 1, 1, 1, 1, 0.2);
        try (TrainingGraph graph = new TrainingGraph(spec, settings)) {
          graph.session().initialize();
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
          double[] train = new double[timed];
          double[] infer = new double[timed];
          for (int i = -warmup; i < timed; i++) {
            long start = System.nanoTime();
            graph.trainStep(images, labels, i + warmup, 1e-4f);
            long middle = System.nanoTime();
            graph.predict(images, batch);
            long end = System.nanoTime();
            if (i >= 0) {
              train[i] = (middle - start) / 1e6;
              infer[i] = (end - middle) / 1e6;
            }
          }
          double trainMedian = median(train);
          if (results.isEmpty()) {
            reference = trainMedian;
          }
          Measurement m = new Measurement(spec.name(), graph.parameters().trainableCount(), batch, trainMedian,
              median(infer), trainMedian / reference);
          results.add(m);
          log.printf("%-14s %10d params  batch %3d  step %8.1f ms  inference %8.1f ms  (x%.2f)%n", m.spec(),
              m.parameters(), batch, m.trainStepMedianMs(), m.inferenceMedianMs(), m.trainStepRatio());
        }
      }
    }
    return new Report(Instant.now().toString(), warmup, timed, TrainingSettings.DEFAULT_MC_SAMPLES,
        RunConfig.Versions.current(), Runtime.getRuntime().availableProcessors(), results);
  }

  /** The report as a markdown table, for the benchmarks README. */
  public static String markdown(Report report) {
    StringBuilder table = new StringBuilder(
        "| spec | parameters | batch | train step (median ms) | inference (median ms) | step ratio |\n"
            + "|---|---:|---:|---:|---:|---:|\n");
    for (Measurement m : report.measurements()) {
      table.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.1f | %.1f | %.2f |%n", m.spec(), m.parameters(),
          m.batch(),
          m.trainStepMedianMs(), m.inferenceMedianMs(), m.trainStepRatio()));
    }
    return table.toString();
  }

  public static void write(Report report, Path json) throws IOException {
    JsonFiles.write(json, report);
    String name = json.getFileName().toString();
    String table = (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".md";
    JsonFiles.writeString(json.resolveSibling(table), markdown(report));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
