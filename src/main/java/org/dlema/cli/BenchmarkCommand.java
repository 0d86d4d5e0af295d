package org.dlema.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.bench.BenchmarkSettings;
import org.dlema.bench.StepTimes;
import org.dlema.bench.StepVariant;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.OneDnn;
import org.dlema.graph.SessionThreads;

/**
 * {@code dlema benchmark}: training-step, iteration and inference times per spec and batch size, set against the
 * machine's own MatMul peak, in one process.
 */
final class BenchmarkCommand extends OptionsCommand {
  BenchmarkCommand() {
    super("benchmark");
  }

  @Override
  public String summary() {
    return "measure training-step, iteration and inference times of network specs against the machine's peak "
        + "(medians and ratios, one process)";
  }

  @Override
  String description() {
    return "Measures the machine's practical peak (a large float32 MatMul), then builds the training graph of each "
        + "spec at each batch size (aleatoric loss with 10 samples, momentum SGD) and the D-LEMA member's meta-step "
        + "graph (timing each build), warms them up and times training steps, inference passes and meta steps, "
        + "interleaved, on random data; then the trainer's whole iteration (batch assembly inline and through its "
        + "background queue) against a bare session.run of the same step; then inference of one member, the fused "
        + "ensemble, the members in turn and the fused SavedModel at each inference batch. Reports medians, ratios, "
        + "each step's floating-point operations counted from the spec with its GFLOP/s and share of the peak, CPU "
        + "utilisation, the build times, the peak resident memory of training and of inference and the machine, as "
        + "JSON and markdown tables.";
  }

  private static final Declared<String> SPECS = Declared.valued("specs", "LIST", "comma-separated specs",
      "linknet-lite,linknet18");
  private static final Declared<String> BATCHES = Declared.valued("batches", "LIST", "comma-separated batch sizes",
      "2,16");
  private static final Declared<Integer> WARMUP = Declared.valued("warmup", "N", "untimed steps per configuration",
      5);
  private static final Declared<Integer> STEPS = Declared.valued("steps", "N", "timed steps per configuration", 20);
  private static final Declared<Integer> CLEAN_BATCH = Declared.valued("clean-batch", "N", "clean batch of the meta "
      + "step (default: the batch size, so that the meta/plain ratio compares like with like; the paper uses 64)",
      null);
  private static final Declared<Integer> MEMBERS = Declared.valued("members", "M", "ensemble size of the inference "
      + "measurements", BenchmarkSettings.DEFAULT_MEMBERS);
  private static final Declared<String> INFERENCE_BATCHES = Declared.valued("inference-batches", "LIST",
      "comma-separated batch sizes of the inference measurements", "1,32");
  private static final Declared<Boolean> SKIP_INFERENCE = Declared.flag("skip-inference", "leave out the inference "
      + "measurements (one member, fused, in turn, SavedModel)");
  private static final Declared<Integer> MATMUL = Declared.valued("matmul", "N", "side of the square float32 MatMul "
      + "that measures the peak, 1 to " + BenchmarkSettings.MAX_MATMUL, BenchmarkSettings.DEFAULT_MATMUL);
  private static final Declared<Integer> PROFILE_STEPS = Declared.valued("profile-steps", "N", "traced training and "
      + "meta steps per configuration, whose ops' run times are summed per op type: where a step's time goes (0: no "
      + "profile)", BenchmarkSettings.DEFAULT_PROFILE_STEPS);
  private static final Declared<String> COMPARE = Declared.valued("compare", "LIST", "comma-separated ways of "
      + "running the same training and meta steps, each timed in blocks of steps taking turns with the main steps, "
      + "with its graphs' first steps and its first loss against the main one's: rewriting (TensorFlow's graph "
      + "rewriting, Grappler, the other way from " + SessionThreads.GRAPPLER + ", on unless set), bfloat16 "
      + "(oneDNN's automatic bfloat16 rewrite; only where oneDNN's kernels run, see " + OneDnn.VARIABLE + ", and "
      + "with rewriting on) and shared-noise (eq. 5's noise drawn once per step for the whole batch, as train "
      + "--mc-noise shared)", null);
  private static final Declared<String> OUT = Declared.valued("out", "FILE", "JSON report; a .md table is written "
      + "beside it", "benchmarks/results/step-times.json");
  private static final List<Declared<?>> ALL = List.of(SPECS, BATCHES, WARMUP, STEPS, CLEAN_BATCH, MEMBERS,
      INFERENCE_BATCHES, SKIP_INFERENCE, MATMUL, PROFILE_STEPS, COMPARE, OUT);

  @Override
  Options options() {
    return Declared.options(ALL);
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    List<NetworkSpec> specs = new ArrayList<>();
    for (String name : SPECS.text(line).split(",")) {
      specs.add(SpecFiles.load(name.strip()));
    }
    Integer cleanBatch = CLEAN_BATCH.given(line) ? CLEAN_BATCH.integer(line, 1, 1) : null;
    BenchmarkSettings settings = new BenchmarkSettings(specs, sizes(line, BATCHES), cleanBatch,
        WARMUP.integer(line, 0), STEPS.integer(line, 1), MEMBERS.integer(line, 1), sizes(line, INFERENCE_BATCHES),
        !SKIP_INFERENCE.given(line), matmul(line), PROFILE_STEPS.integer(line, 0), variants(line));
    StepTimes.Report report = StepTimes.measure(settings, console.out());
    Path out = Path.of(OUT.text(line));
    StepTimes.write(report, out);
    console.out().println("wrote " + out);
    return 0;
  }

  /** The ways of running the steps to compare, in the order given, each once. */
  private static List<StepVariant> variants(CommandLine line) throws UsageException {
    return COMPARE.given(line) ? listOption(COMPARE.name(), COMPARE.text(line), List.of(StepVariant.values()),
        StepVariant::id, bad -> "no way called '" + bad + "'; available: " + String.join(", ", StepVariant.ids()))
        : List.of();
  }

  /** A comma-separated list of batch sizes, each at least 1. */
  private static int[] sizes(CommandLine line, Declared<String> list) throws UsageException {
    String option = list.name();
    int[] sizes;
    try {
      sizes = Arrays.stream(list.text(line).split(",")).map(String::strip)
          .mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " expects whole numbers separated by commas");
    }
    if (Arrays.stream(sizes).anyMatch(b -> b < 1)) {
      throw new UsageException("--" + option + " must all be at least 1");
    }
    return sizes;
  }

  /** The MatMul side: three N x N float matrices must fit in memory (and N * N in an int). */
  private static int matmul(CommandLine line) throws UsageException {
    int n = MATMUL.integer(line, 1);
    if (n > BenchmarkSettings.MAX_MATMUL) {
      throw new UsageException("--matmul must be at most " + BenchmarkSettings.MAX_MATMUL + " (three " + n + " x " + n
          + " float matrices would not fit in memory), got " + n);
    }
    return n;
  }
}
