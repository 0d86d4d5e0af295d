package org.dlema.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.train.IterationProbe;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingGraph;
import org.dlema.train.TrainingSettings;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RunMetadata;

/**
 * Step and inference times of network specs at several batch sizes, and the D-LEMA meta step (noisy and clean
 * batch of the same size) beside the plain step, all measured in one process so that their ratios are meaningful on
 * a shared, noisy machine. Each configuration is warmed up first (the first run of a new
 * fetch set pays for graph optimisation) and reported as the median of the timed steps.
 *
 * <p>Every step is also set against the machine's own limit: its floating-point operations ({@link NetworkFlops})
 * over its median time, as a fraction of the practical peak of a large MatMul ({@link MatMulPeak}), and the
 * process's CPU utilisation. The trainer's whole iteration is compared with a bare {@code session.run} of the same
 * step ({@link IterationProbe}); inference is measured for one member, the fused ensemble, the members one after
 * another and the reloaded SavedModel ({@link InferenceTimes}); and the peak resident memory of training and of
 * inference is read ({@link PeakMemory}).
 */
public final class StepTimes {
  /** MatMul runs: untimed first, timed at the start, and timed before each configuration. */
  static final int PEAK_WARMUP_RUNS = 2;
  static final int PEAK_FIRST_RUNS = 5;
  static final int PEAK_RUNS_PER_CONFIGURATION = 2;
  /** Steps a compared variant's graphs run before the main graphs run again. */
  static final int VARIANT_BLOCK = 5;

  /**
   * One measured configuration. The first nine fields are the original report's; the rest set each step against
   * the machine.
   *
   * @param trainStepWork the plain training step ({@code trainStepMedianMs}) with its operations and rates
   * @param inferenceWork the inference pass of the training graph ({@code inferenceMedianMs})
   * @param metaStepWork the D-LEMA meta step ({@code metaStepMedianMs})
   * @param iteration the trainer's iteration against a bare run of the same step
   * @param trainStepProfile the plain training step's time per op type (null when not profiled)
   * @param trainGraphBuildSeconds wall time of building the training graph in Java, once (before any session runs)
   * @param metaGraphBuildSeconds the same for the D-LEMA member's graph, built right after it
   * @param trainFirstStepSeconds the training graph's first step, with TensorFlow's one-off work on the graph
   *     (Grappler's rewriting, kernel creation); the timed steps leave it out
   * @param metaFirstStepSeconds the same for the meta step
   * @param metaStepProfile the meta step's time per op type (null when not profiled)
   * @param variants the same steps run other ways (empty unless compared)
   */
  public record Measurement(String spec, long parameters, int batch, int cleanBatch, double trainStepMedianMs,
      double inferenceMedianMs, double trainStepRatio, double metaStepMedianMs, double metaToPlainRatio,
      TimedWork trainStepWork, TimedWork inferenceWork, TimedWork metaStepWork, Iteration iteration,
      OpProfile trainStepProfile, double trainGraphBuildSeconds, double metaGraphBuildSeconds,
      double trainFirstStepSeconds, double metaFirstStepSeconds, OpProfile metaStepProfile, List<Variant> variants) {}

  /**
   * The plain and meta steps run another way ({@link StepVariant}), in blocks of steps taking turns with the main
   * steps; ratios are this over the main.
   *
   * @param path what ran differently ("rewriting off", "bfloat16 rewrite")
   * @param bfloat16Nodes nodes of the plain step's graph, as TensorFlow rewrote it, with a bfloat16 type (the casts
   *     included; 0: the rewrite did not apply)
   * @param firstLossDifference the plain step's first loss against the main graph's, relative: both start from the
   *     same weights on the same batch, so this is the variant's rounding, or for shared noise its other draw
   */
  public record Variant(String variant, String path, double trainStepMedianMs, double metaStepMedianMs,
      double trainFirstStepSeconds, double metaFirstStepSeconds, double trainStepRatio, double metaStepRatio,
      int bfloat16Nodes, double firstLossDifference) {}

  /**
   * The baseline trainer's iteration ({@code inputs(step)} + {@code step(...)}) with the batch made inline and
   * through the trainer's background queue, against one {@code session.run} of the same step op on tensors made once.
   *
   * @param images the synthetic prepared set's size
   */
  public record Iteration(int images, TimedWork bare, TimedWork inline, TimedWork queued, double inlineToBare,
      double queuedToBare) {}

  /** F and F1 of a spec (see {@link NetworkFlops}), per image. */
  public record SpecFlops(String spec, long parameters, long forwardPerImage, long firstLayerPerImage) {}

  /** How the operations of each figure are counted; written into the report so that it explains itself. */
  public record Formula(String convolution, String inference, String trainStep, String metaStep) {
    static final Formula CURRENT = new Formula(
        "2 k^2 c_in c_out h w per image (h x w: a convolution's output, a transposed convolution's input); "
            + "batch norm, activations, pooling and the loss are not counted",
        "F per image (F: forward operations of one image)",
        "3F - F1 per image (forward, weight gradients, input gradients except the first layer's F1)",
        "B (7F - 3 F1) + C (3F - F1): noisy forward, inner backward, backward of the inner backward, "
            + "weighted-update backward; clean forward and backward at theta'");
  }

  /** The operation counts of every spec. */
  public record Flops(Formula formula, List<SpecFlops> specs) {}

  /**
   * VmHWM of the process after the training measurements and after the inference ones.
   *
   * @param inferenceStartBytes the resident size when the high-water mark was reset before inference (null when it
   *     could not be reset: then the inference peak includes the training peak)
   */
  public record Memory(String source, long trainingPeakBytes, Long inferencePeakBytes, Long inferenceStartBytes,
      boolean resetBeforeInference) {}

  /**
   * The whole run, as written to JSON. The first seven fields are the original report's (readers of the old
   * format still find them); {@code inference} is null when it was skipped. {@code bfloat16Peak} is the same MatMul
   * in bfloat16, timed once after the float32 peak's first runs.
   */
  public record Report(String measured, int warmup, int timed, int mcSamples, RunConfig.Versions versions,
      int processors, List<Measurement> measurements, Machine machine, MatMulPeak.Peak peak, Flops flops,
      InferenceTimes.Section inference, Memory memory, MatMulPeak.Peak bfloat16Peak) {}

  private StepTimes() {}

  public static Report measure(BenchmarkSettings settings, PrintStream log) throws IOException {
    try (MatMulPeak peak = new MatMulPeak(settings.matmulSize())) {
      peak.warmUp(PEAK_WARMUP_RUNS);
      peak.sample(PEAK_FIRST_RUNS);
      Machine machine = Machine.current(peak.devices());
      log.printf("machine: %s, %d cores, TensorFlow %s on %s; MatMul %dx%d: %.1f GFLOP/s (first %d runs)%n",
          machine.cpu(), machine.cores(), machine.tensorflow(), String.join(", ", machine.devices()),
          settings.matmulSize(), settings.matmulSize(), peak.peak().gflops(), PEAK_FIRST_RUNS);
      MatMulPeak.Peak bfloat16 = bfloat16Peak(settings.matmulSize());
      log.printf("bfloat16 MatMul: %.1f GFLOP/s, %.2f of float32's (bfloat16 units: %s)%n", bfloat16.gflops(),
          bfloat16.gflops() / peak.peak().gflops(), machine.bfloat16UnitsText());

      List<Pending> pending = new ArrayList<>();
      for (NetworkSpec spec : settings.specs()) {
        for (int batch : settings.batches()) {
          peak.sample(PEAK_RUNS_PER_CONFIGURATION);
          pending.add(configuration(spec, batch, settings, log));
        }
      }
      long trainingPeak = PeakMemory.highWaterMark();

      InferenceTimes.Section inference = null;
      Long inferenceStart = null;
      Long inferencePeak = null;
      boolean reset = false;
      if (settings.inference()) {
        // VmHWM only grows: reset it so that inference gets a peak of its own, from the resident size now.
        reset = PeakMemory.reset();
        inferenceStart = reset ? PeakMemory.resident() : null;
        inference = InferenceTimes.measure(settings, peak, log);
        inferencePeak = PeakMemory.highWaterMark();
      }
      Memory memory = new Memory("VmHWM of /proc/self/status (process-wide high-water mark)", trainingPeak,
          inferencePeak, inferenceStart, reset);

      MatMulPeak.Peak measuredPeak = peak.peak();
      List<Measurement> results = new ArrayList<>();
      double reference = pending.isEmpty() ? Double.NaN : pending.get(0).train.medianMs();
      for (Pending p : pending) {
        results.add(p.measurement(reference, measuredPeak.gflops(), machine.cores()));
      }
      List<SpecFlops> flops = settings.specs().stream().map(spec -> {
        NetworkFlops f = NetworkFlops.of(spec);
        return new SpecFlops(spec.name(), f.parameters(), f.forwardPerImage(), f.firstLayerPerImage());
      }).toList();
      log.printf("MatMul peak over %d runs: %.1f GFLOP/s (runs ranged %.1f .. %.1f); peak memory: training %s, "
          + "inference %s%n", measuredPeak.runs(), measuredPeak.gflops(), measuredPeak.minGflops(),
          measuredPeak.maxGflops(), ReportTables.bytes(trainingPeak), ReportTables.bytes(inferencePeak));
      return new Report(Instant.now().toString(), settings.warmup(), settings.timed(),
          TrainingSettings.DEFAULT_MC_SAMPLES, RunConfig.Versions.current(), machine.cores(), results, machine,
          measuredPeak, new Flops(Formula.CURRENT, flops), inference, memory, bfloat16);
    }
  }

  /** The bfloat16 MatMul's rate: one untimed run, then as many timed runs as the float32 peak's first. */
  private static MatMulPeak.Peak bfloat16Peak(int size) {
    try (MatMulPeak bfloat16 = new MatMulPeak(size, MatMulPeak.Precision.BFLOAT16)) {
      bfloat16.warmUp(1);
      bfloat16.sample(PEAK_FIRST_RUNS);
      return bfloat16.peak();
    }
  }

  /** The raw samples of one configuration, turned into figures once the peak is final. */
  private record Pending(String spec, long parameters, int batch, int cleanBatch, NetworkFlops flops, Samples train,
      Samples infer, Samples meta, int images, Samples bare, Samples inline, Samples queued, OpProfile profile,
      OpProfile metaProfile, double trainBuild, double metaBuild, List<Variant> variants) {
    Measurement measurement(double reference, double peakGflops, int cores) {
      TimedWork trainWork = TimedWork.of(train, flops.trainStep(batch), peakGflops, cores);
      TimedWork inferWork = TimedWork.of(infer, flops.inference(batch), peakGflops, cores);
      TimedWork metaWork = TimedWork.of(meta, flops.metaStep(batch, cleanBatch), peakGflops, cores);
      TimedWork bareWork = TimedWork.of(bare, flops.trainStep(batch), peakGflops, cores);
      TimedWork inlineWork = TimedWork.of(inline, flops.trainStep(batch), peakGflops, cores);
      TimedWork queuedWork = TimedWork.of(queued, flops.trainStep(batch), peakGflops, cores);
      Iteration iteration = new Iteration(images, bareWork, inlineWork, queuedWork,
          inlineWork.medianMs() / bareWork.medianMs(), queuedWork.medianMs() / bareWork.medianMs());
      return new Measurement(spec, parameters, batch, cleanBatch, trainWork.medianMs(), inferWork.medianMs(),
          trainWork.medianMs() / reference, metaWork.medianMs(), metaWork.medianMs() / trainWork.medianMs(),
          trainWork, inferWork, metaWork, iteration, profile, trainBuild, metaBuild, train.firstMs() / 1000,
          meta.firstMs() / 1000, metaProfile, variants);
    }
  }

  /** One compared way while it is timed: its graphs, its samples, its first loss and its graph's bfloat16 nodes. */
  private static final class VariantRun {
    private final StepVariant variant;
    private final StepGraphs graphs;
    private final Samples train;
    private final Samples meta;
    private final float[] firstLoss = new float[1];
    private int bfloat16Nodes;

    VariantRun(StepVariant variant, StepGraphs graphs, int timed) {
      this.variant = variant;
      this.graphs = graphs;
      this.train = new Samples(timed);
      this.meta = new Samples(timed);
    }

    /** Its figures against the main steps' (read on the thread that measured, where its path is decided). */
    Variant figures(Samples mainTrain, Samples mainMeta, float mainFirstLoss) {
      return new Variant(variant.id(), variant.path(), train.medianMs(), meta.medianMs(), train.firstMs() / 1000,
          meta.firstMs() / 1000, train.medianMs() / mainTrain.medianMs(), meta.medianMs() / mainMeta.medianMs(),
          bfloat16Nodes, Math.abs(firstLoss[0] - mainFirstLoss) / Math.abs(mainFirstLoss));
    }
  }

  /**
   * One spec at one batch size: the plain step, inference and the meta step interleaved, each compared way's plain
   * and meta steps in blocks between them, then the trainer's iteration against the bare step, interleaved too.
   */
  private static Pending configuration(NetworkSpec spec, int batch, BenchmarkSettings settings, PrintStream log) {
    int warmup = settings.warmup();
    int timed = settings.timed();
    int cleanCount = settings.cleanBatch(batch);
    Samples train = new Samples(timed);
    Samples infer = new Samples(timed);
    Samples metaSteps = new Samples(timed);
    long parameters;
    OpProfile profile = null;
    OpProfile metaProfile = null;
    double plainBuild;
    double metaBuild;
    float[] firstLoss = new float[1];
    List<VariantRun> runs = new ArrayList<>();
    try (StepGraphs graphs = StepGraphs.build(spec, batch, cleanCount)) {
      try {
        for (StepVariant variant : settings.compare()) {
          StepGraphs made = variant.apply(draw -> StepGraphs.build(spec, batch, cleanCount, draw));
          runs.add(new VariantRun(variant, made, timed));
        }
        TrainingGraph graph = graphs.plain();
        plainBuild = graphs.plainBuildSeconds();
        metaBuild = graphs.metaBuildSeconds();
        parameters = graph.parameters().trainableCount();
        timeSteps(graphs, train, infer, metaSteps, firstLoss, runs, warmup + timed, warmup);
        for (VariantRun run : runs) {
          run.bfloat16Nodes = bfloat16Nodes(run.graphs.rewrittenPlainStep(warmup + timed));
        }
      } finally {
        runs.forEach(run -> run.graphs.close());
      }
      if (settings.profileSteps() > 0) {
        profile = profile(graphs, false, warmup + timed, settings.profileSteps());
        metaProfile = profile(graphs, true, warmup + timed, settings.profileSteps());
        for (OpProfile p : List.of(profile, metaProfile)) {
          OpProfile.OpTime first = p.ops().get(0);
          log.printf("%-14s profile batch %3d  %s ops %8.1f ms per step; most: %s %.0f%%%n", spec.name(), batch,
              p == profile ? "training" : "meta", p.opMsPerStep(), first.type(), 100 * first.share());
        }
      }
    }
    log.printf("%-14s %10d params  batch %3d  step %8.1f ms  inference %8.1f ms  meta step (clean batch %d) "
        + "%8.1f ms (x%.2f of the step); graphs built in %.1f s and %.1f s, first steps %.1f s and %.1f s%n",
        spec.name(), parameters, batch, train.medianMs(), infer.medianMs(), cleanCount, metaSteps.medianMs(),
        metaSteps.medianMs() / train.medianMs(), plainBuild, metaBuild, train.firstMs() / 1000,
        metaSteps.firstMs() / 1000);
    List<Variant> variants = runs.stream().map(run -> run.figures(train, metaSteps, firstLoss[0])).toList();
    variants.forEach(v -> logVariant(log, spec.name(), batch, v));

    Iterations it = iterations(spec, batch, warmup, timed, log);
    return new Pending(spec.name(), parameters, batch, cleanCount, NetworkFlops.of(spec), train, infer, metaSteps,
        it.images(), it.bare(), it.inline(), it.queued(), profile, metaProfile, plainBuild, metaBuild,
        variants);
  }

  /**
   * Times the main steps interleaved, so that the machine's load drifts alike for all (the meta step's clean batch
   * repeats the same images, by default as many), and each variant's in blocks between them: with oneDNN's kernels, a
   * bfloat16 graph's step between two main steps slowed the main steps down. The main step after a block
   * still pays some of that; the median leaves it out.
   */
  private static void timeSteps(StepGraphs graphs, Samples train, Samples infer, Samples meta, float[] firstLoss,
      List<VariantRun> runs, int total, int warmup) {
    for (int start = 0; start < total; start += VARIANT_BLOCK) {
      int end = Math.min(total, start + VARIANT_BLOCK);
      for (long step = start; step < end; step++) {
        long s = step;
        boolean keep = s >= warmup;
        train.run(keep, () -> keepFirst(firstLoss, s, graphs.plainStep(s)));
        infer.run(keep, graphs::predict);
        meta.run(keep, () -> graphs.metaStep(s));
      }
      for (VariantRun run : runs) {
        for (long step = start; step < end; step++) {
          long s = step;
          boolean keep = s >= warmup;
          run.train.run(keep, () -> keepFirst(run.firstLoss, s, run.graphs.plainStep(s)));
          run.meta.run(keep, () -> run.graphs.metaStep(s));
        }
      }
    }
  }

  /** A variant's steps against the main ones. */
  private static void logVariant(PrintStream log, String spec, int batch, Variant v) {
    log.printf("%-14s %s batch %3d  step %8.1f ms (x%.2f)  meta step %8.1f ms (x%.2f); first steps %.1f s and %.1f s; "
        + "%d bfloat16 nodes; first loss %.1e from the main one's%n", spec, v.path(), batch, v.trainStepMedianMs(),
        v.trainStepRatio(), v.metaStepMedianMs(), v.metaStepRatio(), v.trainFirstStepSeconds(),
        v.metaFirstStepSeconds(), v.bfloat16Nodes(), v.firstLossDifference());
  }

  /** Keeps the loss of step 0. */
  private static void keepFirst(float[] first, long step, float loss) {
    if (step == 0) {
      first[0] = loss;
    }
  }

  /** The nodes of a traced step's graphs, as TensorFlow rewrote them, with a bfloat16 type among their attributes. */
  static int bfloat16Nodes(RunMetadata trace) {
    int count = 0;
    for (GraphDef graph : trace.getPartitionGraphsList()) {
      for (NodeDef node : graph.getNodeList()) {
        if (node.getAttrMap().values().stream().anyMatch(a -> a.getType() == DataType.DT_BFLOAT16
            || a.getList().getTypeList().contains(DataType.DT_BFLOAT16))) {
          count++;
        }
      }
    }
    return count;
  }

  /** {@code steps} traced plain or meta steps from step {@code first}, summed per op type. */
  private static OpProfile profile(StepGraphs graphs, boolean meta, long first, int steps) {
    List<RunMetadata> traces = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      traces.add(meta ? graphs.tracedMetaStep(first + i) : graphs.tracedPlainStep(first + i));
    }
    return OpProfile.of(traces, meta ? graphs.meta()::operationType : graphs.plain()::operationType,
        BenchmarkSettings.PROFILE_TOP);
  }

  /** The trainer's iteration against a bare run, timed: a synthetic set of {@code images}. */
  private record Iterations(int images, Samples bare, Samples inline, Samples queued) {}

  /** The iteration probe, on a graph of its own, built once the step graphs are closed (one set at a time). */
  private static Iterations iterations(NetworkSpec spec, int batch, int warmup, int timed, PrintStream log) {
    int images = Math.max(4 * batch, 8);
    Samples bare = new Samples(timed);
    Samples inline = new Samples(timed);
    Samples queued = new Samples(timed);
    try (IterationProbe probe = new IterationProbe(spec, batch, images, warmup + timed)) {
      for (int i = -warmup; i < timed; i++) {
        boolean keep = i >= 0;
        bare.run(keep, probe::bare);
        inline.run(keep, probe::inline);
        queued.run(keep, probe::queued);
      }
    }
    log.printf("%-14s iteration batch %3d  bare run %8.1f ms  inline inputs %8.1f ms (x%.2f)  queued inputs %8.1f "
        + "ms (x%.2f)%n", spec.name(), batch, bare.medianMs(), inline.medianMs(), inline.medianMs() / bare.medianMs(),
        queued.medianMs(), queued.medianMs() / bare.medianMs());
    return new Iterations(images, bare, inline, queued);
  }

  /** Writes the JSON report and the markdown tables beside it ({@code name.md}). */
  public static void write(Report report, Path json) throws IOException {
    JsonFiles.write(json, report);
    String name = json.getFileName().toString();
    String table = (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".md";
    JsonFiles.writeString(json.resolveSibling(table), ReportTables.markdown(report));
  }
}
