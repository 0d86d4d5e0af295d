package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.dlema.bench.InferenceTimes;
import org.dlema.bench.NetworkFlops;
import org.dlema.bench.OpProfile;
import org.dlema.bench.StepTimes;
import org.dlema.bench.TimedWork;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.TensorFlow;

/** The benchmark's report, not its speed: what it writes for a tiny spec, and the operation count it rests on. */
@Tag("slow")
class BenchmarkCommandTest {
  @TempDir Path dir;

  /**
   * F of the tiny spec by hand, from graphs/tiny.json (input 32, stem 4, stages 4-8-8-16, one block each, head 4),
   * layer by layer as LinkNet builds them: 2 k^2 c_in c_out h w, with h w a convolution's output and a transposed
   * convolution's input.
   */
  private static final long TINY_STEM = 2L * 7 * 7 * 3 * 4 * 16 * 16;
  private static final long TINY_FORWARD = TINY_STEM
      // enc1 at 8x8, 4 -> 4, no projection
      + 2L * 9 * 4 * 4 * 64 + 2L * 9 * 4 * 4 * 64
      // enc2 at 4x4, 4 -> 8, stride 2 with a 1x1 projection
      + 2L * 9 * 4 * 8 * 16 + 2L * 9 * 8 * 8 * 16 + 2L * 4 * 8 * 16
      // enc3 at 2x2, 8 -> 8, stride 2 with a projection
      + 2L * 9 * 8 * 8 * 4 + 2L * 9 * 8 * 8 * 4 + 2L * 8 * 8 * 4
      // enc4 at 1x1, 8 -> 16
      + 2L * 9 * 8 * 16 + 2L * 9 * 16 * 16 + 2L * 8 * 16
      // dec4: 16 -> 4 at 1x1, 3x3 transposed 4 -> 4 from 1x1, 4 -> 8 at 2x2
      + 2L * 16 * 4 + 2L * 9 * 4 * 4 + 2L * 4 * 8 * 4
      // dec3: 8 -> 2 at 2x2, transposed 2 -> 2 from 2x2, 2 -> 8 at 4x4
      + 2L * 8 * 2 * 4 + 2L * 9 * 2 * 2 * 4 + 2L * 2 * 8 * 16
      // dec2: 8 -> 2 at 4x4, transposed 2 -> 2 from 4x4, 2 -> 4 at 8x8
      + 2L * 8 * 2 * 16 + 2L * 9 * 2 * 2 * 16 + 2L * 2 * 4 * 64
      // dec1 (stride 1): 4 -> 1 at 8x8, transposed 1 -> 1 from 8x8, 1 -> 4 at 8x8
      + 2L * 4 * 64 + 2L * 9 * 64 + 2L * 4 * 64
      // head: 3x3 transposed 4 -> 4 from 8x8, 3x3 4 -> 4 at 16x16, two 2x2 transposed 4 -> 1 from 16x16
      + 2L * 9 * 4 * 4 * 64 + 2L * 9 * 4 * 4 * 256 + 2 * (2L * 4 * 4 * 256);

  @Test
  void countsTheTinySpecsOperationsByHand() throws Exception {
    assertThat(TINY_FORWARD).isEqualTo(498_496L);
    NetworkFlops tiny = NetworkFlops.of(SpecFiles.load("tiny"));
    assertThat(tiny.forwardPerImage()).isEqualTo(TINY_FORWARD);
    assertThat(tiny.firstLayerPerImage()).isEqualTo(TINY_STEM);
    assertThat(tiny.inference(3)).isEqualTo(3 * TINY_FORWARD);
    assertThat(tiny.trainStep(2)).isEqualTo(2 * (3 * TINY_FORWARD - TINY_STEM));
    assertThat(tiny.metaStep(2, 5)).isEqualTo(2 * (7 * TINY_FORWARD - 3 * TINY_STEM) + 5 * (3 * TINY_FORWARD
        - TINY_STEM));
  }

  @Test
  void walksEveryLayerOfEverySpec() throws Exception {
    // The walk's weights add up to the graph's parameter count (pinned in LinkNetTest) only if no layer is missed.
    assertThat(NetworkFlops.of(SpecFiles.load("tiny")).parameters()).isEqualTo(7_595L);
    assertThat(NetworkFlops.of(SpecFiles.load("linknet-lite")).parameters()).isEqualTo(724_850L);
    NetworkSpec paper = SpecFiles.load("linknet18");
    assertThat(NetworkFlops.of(paper).parameters()).isEqualTo(11_533_442L);
    // Each layer's count is its formula: 2 k^2 c_in c_out h w.
    for (NetworkFlops.Layer layer : NetworkFlops.of(paper).layers()) {
      assertThat(layer.flops()).isEqualTo(2L * layer.kernel() * layer.kernel() * layer.in() * layer.out()
          * layer.side() * layer.side());
    }
  }

  @Test
  void writesEverySectionOfTheReport() throws Exception {
    Path out = dir.resolve("times.json");
    // One training configuration here and one in the test without inference: each costs seconds of graph building
    // and first-run optimisation.
    CliRunner.Outcome run = CliRunner.run("benchmark", "--specs", "tiny", "--batches", "3", "--warmup", "0",
        "--steps", "2", "--clean-batch", "4", "--members", "2", "--inference-batches", "1,2", "--matmul", "128",
        "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    StepTimes.Report report = JsonFiles.read(out, StepTimes.Report.class);

    // The original fields.
    assertThat(report.measurements()).hasSize(1);
    for (StepTimes.Measurement m : report.measurements()) {
      assertThat(m.cleanBatch()).isEqualTo(4);
      assertThat(m.metaStepMedianMs()).isGreaterThan(0.0);
      assertThat(m.metaToPlainRatio()).isWithin(1e-9).of(m.metaStepMedianMs() / m.trainStepMedianMs());
    }
    assertThat(report.measurements().get(0).trainStepRatio()).isEqualTo(1.0);
    String md = Files.readString(dir.resolve("times.md"));
    assertThat(md).contains("| tiny | 7,595 | 3 |");

    // The machine and its peak.
    assertThat(report.machine().cpu()).isNotEmpty();
    assertThat(report.machine().cores()).isAtLeast(1);
    assertThat(report.machine().tensorflow()).isEqualTo(TensorFlow.version());
    assertThat(report.machine().devices()).isNotEmpty();
    assertThat(report.machine().java()).isEqualTo(Runtime.version().toString());
    assertThat(report.peak().size()).isEqualTo(128);
    assertThat(report.peak().flopsPerRun()).isEqualTo(2L * 128 * 128 * 128);
    assertThat(report.peak().runs()).isAtLeast(5);
    assertThat(report.peak().gflops()).isWithin(1e-6).of(report.peak().flopsPerRun() / (report.peak().medianMs()
        * 1e6));
    double peak = report.peak().gflops();

    // Operations counted from the spec, for every step.
    StepTimes.SpecFlops flops = report.flops().specs().get(0);
    assertThat(flops.spec()).isEqualTo("tiny");
    assertThat(flops.forwardPerImage()).isEqualTo(TINY_FORWARD);
    assertThat(flops.firstLayerPerImage()).isEqualTo(TINY_STEM);
    assertThat(report.flops().formula().metaStep()).contains("7F - 3 F1");
    for (StepTimes.Measurement m : report.measurements()) {
      int b = m.batch();
      assertWork(m.trainStepWork(), m.trainStepMedianMs(), b * (3 * TINY_FORWARD - TINY_STEM), peak);
      assertWork(m.inferenceWork(), m.inferenceMedianMs(), b * TINY_FORWARD, peak);
      assertWork(m.metaStepWork(), m.metaStepMedianMs(), b * (7 * TINY_FORWARD - 3 * TINY_STEM)
          + 4 * (3 * TINY_FORWARD - TINY_STEM), peak);
      StepTimes.Iteration it = m.iteration();
      assertThat(it.images()).isAtLeast(b);
      long step = b * (3 * TINY_FORWARD - TINY_STEM);
      assertWork(it.bare(), it.bare().medianMs(), step, peak);
      assertWork(it.inline(), it.inline().medianMs(), step, peak);
      assertWork(it.queued(), it.queued().medianMs(), step, peak);
      assertThat(it.inlineToBare()).isWithin(1e-9).of(it.inline().medianMs() / it.bare().medianMs());
      assertThat(it.queuedToBare()).isWithin(1e-9).of(it.queued().medianMs() / it.bare().medianMs());
      // Building each of the two graphs is timed once, and the table shows the times.
      assertThat(m.trainGraphBuildSeconds()).isGreaterThan(0.0);
      assertThat(m.metaGraphBuildSeconds()).isGreaterThan(0.0);
      // So is each graph's first step, TensorFlow's one-off work on it included (the timed steps leave it out).
      assertThat(m.trainFirstStepSeconds()).isGreaterThan(0.0);
      assertThat(m.metaFirstStepSeconds()).isGreaterThan(0.0);
      assertThat(md).contains(String.format(Locale.ROOT, "| tiny | %d | %.2f | %.2f | %.2f | %.2f |", b,
          m.trainGraphBuildSeconds(), m.trainFirstStepSeconds(), m.metaGraphBuildSeconds(),
          m.metaFirstStepSeconds()));
      assertThat(m.variants()).isEmpty();
    }

    // Inference: one member, fused, in turn, SavedModel, at each inference batch.
    assertThat(report.inference().members()).isEqualTo(2);
    assertThat(report.inference().measurements()).hasSize(2);
    for (InferenceTimes.Measurement r : report.inference().measurements()) {
      assertThat(r.spec()).isEqualTo("tiny");
      assertWork(r.member(), r.member().medianMs(), r.batch() * TINY_FORWARD, peak);
      assertWork(r.fused(), r.fused().medianMs(), 2 * r.batch() * TINY_FORWARD, peak);
      assertWork(r.sequential(), r.sequential().medianMs(), 2 * r.batch() * TINY_FORWARD, peak);
      assertWork(r.savedModel(), r.savedModel().medianMs(), 2 * r.batch() * TINY_FORWARD, peak);
      assertThat(r.fusedToSequential()).isWithin(1e-9).of(r.fused().medianMs() / r.sequential().medianMs());
      assertThat(r.savedModelToFused()).isWithin(1e-9).of(r.savedModel().medianMs() / r.fused().medianMs());
    }
    assertThat(report.inference().measurements().stream().map(InferenceTimes.Measurement::batch).toList())
        .containsExactly(1, 2).inOrder();

    // Memory: read from /proc where there is one (the CI machines are Linux).
    assertThat(report.memory().source()).contains("VmHWM");
    if (Files.exists(Path.of("/proc/self/status"))) {
      assertThat(report.memory().trainingPeakBytes()).isGreaterThan(0L);
      assertThat(report.memory().inferencePeakBytes()).isGreaterThan(0L);
    }

    assertThat(md).contains("| spec | batch | train step GFLOP |");
    assertThat(md).contains("| spec | batch | bare session.run (median ms) |");
    assertThat(md).contains("| spec | batch | one member (median ms) | fused 2 in one call (median ms) |");
    assertThat(md).contains("Peak resident memory (VmHWM)");

    // The profile: the step's own op types, shares summing to one; the convolutions are among them.
    OpProfile profile = report.measurements().get(0).trainStepProfile();
    assertThat(profile.steps()).isEqualTo(5);
    assertThat(profile.ops().stream().mapToDouble(OpProfile.OpTime::share).sum()).isWithin(1e-9).of(1.0);
    assertThat(profile.ops().stream().mapToDouble(OpProfile.OpTime::msPerStep).sum())
        .isWithin(1e-6).of(profile.opMsPerStep());
    assertThat(profile.ops().stream().map(OpProfile.OpTime::type).toList()).containsAnyOf("Conv2D",
        "Conv2DBackpropFilter", "Conv2DBackpropInput");
    assertThat(md).contains("Where the time goes: tiny, batch 3, plain training step (5 traced steps");
    // The meta step's profile too: more convolution kernels than the plain step (the second-order pass).
    OpProfile meta = report.measurements().get(0).metaStepProfile();
    assertThat(meta.steps()).isEqualTo(5);
    assertThat(meta.ops().stream().mapToDouble(OpProfile.OpTime::share).sum()).isWithin(1e-9).of(1.0);
    assertThat(convolutions(meta)).isGreaterThan(convolutions(profile));
    assertThat(md).contains("Where the time goes: tiny, batch 3, D-LEMA meta step (5 traced steps");
    // The suite turns oneDNN off through the variable, and the report says so and why.
    assertThat(report.machine().oneDnn()).isEqualTo("off");
    assertThat(md).contains("oneDNN kernels off (TF_ENABLE_ONEDNN_OPTS=0); graph rewriting (Grappler) "
        + (report.machine().rewriting() ? "on" : "off"));
  }

  @Test
  void skipsInferenceWhenAskedAndRejectsBadLists() throws Exception {
    Path out = dir.resolve("training-only.json");
    CliRunner.Outcome run = CliRunner.run("benchmark", "--specs", "tiny", "--batches", "2", "--warmup", "0",
        "--steps", "1", "--skip-inference", "--matmul", "64", "--profile-steps", "0", "--compare",
        "bfloat16,rewriting,shared-noise,bfloat16", "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    StepTimes.Report report = JsonFiles.read(out, StepTimes.Report.class);
    assertThat(report.inference()).isNull();
    StepTimes.Measurement m = report.measurements().get(0);
    // Each way compared once, in the order given, on graphs that start from the same weights as the main ones.
    assertThat(m.variants().stream().map(StepTimes.Variant::variant).toList()).containsExactly("bfloat16",
        "rewriting", "shared-noise").inOrder();
    StepTimes.Variant bfloat16 = m.variants().get(0);
    StepTimes.Variant rewriting = m.variants().get(1);
    assertThat(rewriting.path()).isEqualTo(report.machine().rewriting() ? "rewriting off" : "rewriting on");
    assertThat(rewriting.trainStepRatio()).isWithin(1e-9).of(rewriting.trainStepMedianMs() / m.trainStepMedianMs());
    assertThat(rewriting.metaStepRatio()).isWithin(1e-9).of(rewriting.metaStepMedianMs() / m.metaStepMedianMs());
    assertThat(rewriting.firstLossDifference()).isLessThan(1e-5);
    // The suite runs without oneDNN's kernels, where TensorFlow does not apply the bfloat16 rewrite: the report says
    // so by the graph's nodes, and the loss is float32's.
    assertThat(report.machine().oneDnn()).isEqualTo("off");
    assertThat(bfloat16.bfloat16Nodes()).isEqualTo(0);
    assertThat(bfloat16.firstLossDifference()).isLessThan(1e-5);
    assertThat(Files.readString(dir.resolve("training-only.md"))).contains("| tiny | 2 | bfloat16 rewrite | ");
    // Shared noise draws other numbers from the same seed, so the first loss moves, by as much as two draws differ.
    StepTimes.Variant shared = m.variants().get(2);
    assertThat(shared.path()).isEqualTo("noise shared by the batch");
    assertThat(shared.firstLossDifference()).isGreaterThan(1e-6);
    assertThat(shared.firstLossDifference()).isLessThan(0.2);
    assertThat(m.cleanBatch()).isEqualTo(2);
    assertThat(m.metaToPlainRatio()).isWithin(1e-9).of(m.metaStepMedianMs() / m.trainStepMedianMs());
    assertThat(report.memory().inferencePeakBytes()).isNull();
    assertThat(m.iteration()).isNotNull();
    assertThat(m.trainStepProfile()).isNull();
    assertThat(Files.readString(dir.resolve("training-only.md"))).doesNotContain("one member");

    assertThat(CliRunner.run("benchmark", "--batches", "2,x").err()).contains("whole numbers");
    assertThat(CliRunner.run("benchmark", "--inference-batches", "0").err()).contains("at least 1");
    assertThat(CliRunner.run("benchmark", "--compare", "rewriting,fp8").err()).contains("--compare: no way called "
        + "'fp8'; available: rewriting, bfloat16, shared-noise");
  }

  /** Convolution ops per step (the three kernels), from a profile that lists them among its top types. */
  private static int convolutions(OpProfile profile) {
    return profile.ops().stream().filter(op -> op.type().startsWith("Conv2D")).mapToInt(OpProfile.OpTime::count)
        .sum();
  }

  /** The figures of one configuration agree with each other and with the counted operations; no speed is judged. */
  private static void assertWork(TimedWork work, double medianMs, long flops, double peakGflops) {
    assertThat(work.medianMs()).isEqualTo(medianMs);
    assertThat(work.medianMs()).isGreaterThan(0.0);
    assertThat(work.gflop()).isWithin(1e-12).of(flops / 1e9);
    assertThat(work.gflops()).isWithin(1e-9 * work.gflops()).of(flops / (medianMs * 1e6));
    assertThat(work.peakFraction()).isWithin(1e-12).of(work.gflops() / peakGflops);
    assertThat(work.cpuUtilisation()).isAtLeast(0.0);
  }
}
