package org.dlema.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.bench.BenchmarkSettings;
import org.dlema.bench.StepTimes;
import org.dlema.graph.NetworkSpec;
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

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("specs", "LIST", "comma-separated specs (default linknet-lite,linknet18)"));
    options.addOption(valued("batches", "LIST", "comma-separated batch sizes (default 2,16)"));
    options.addOption(valued("warmup", "N", "untimed steps per configuration (default 5)"));
    options.addOption(valued("steps", "N", "timed steps per configuration (default 20)"));
    options.addOption(valued("clean-batch", "N", "clean batch of the meta step (default: the batch size, so that "
        + "the meta/plain ratio compares like with like; the paper uses 64)"));
    options.addOption(valued("members", "M", "ensemble size of the inference measurements (default "
        + BenchmarkSettings.DEFAULT_MEMBERS + ")"));
    options.addOption(valued("inference-batches", "LIST", "comma-separated batch sizes of the inference "
        + "measurements (default 1,32)"));
    options.addOption(flag("skip-inference", "leave out the inference measurements (one member, fused, in turn, "
        + "SavedModel)"));
    options.addOption(valued("matmul", "N", "side of the square float32 MatMul that measures the peak, 1 to "
        + BenchmarkSettings.MAX_MATMUL + " (default " + BenchmarkSettings.DEFAULT_MATMUL + ")"));
    options.addOption(valued("profile-steps", "N", "traced training steps per configuration, whose ops' run "
        + "times are summed per op type: where a step's time goes (default " + BenchmarkSettings.DEFAULT_PROFILE_STEPS
        + "; 0: no profile)"));
    options.addOption(flag("compare-rewriting", "also time each configuration's training and meta steps with "
        + "TensorFlow's graph rewriting (Grappler) the other way from " + SessionThreads.GRAPPLER + " (default on), "
        + "interleaved with the main steps, with each graph's first step"));
    options.addOption(valued("out", "FILE", "JSON report; a .md table is written beside it "
        + "(default benchmarks/results/step-times.json)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    List<NetworkSpec> specs = new ArrayList<>();
    for (String name : line.getOptionValue("specs", "linknet-lite,linknet18").split(",")) {
      specs.add(SpecFiles.load(name.strip()));
    }
    int[] batches = sizes(line, "batches", "2,16");
    int[] inferenceBatches = sizes(line, "inference-batches", "1,32");
    Integer cleanBatch = line.hasOption("clean-batch") ? intOption(line, "clean-batch", 1, 1) : null;
    BenchmarkSettings settings = new BenchmarkSettings(specs, batches, cleanBatch, intOption(line, "warmup", 5, 0),
        intOption(line, "steps", 20, 1), intOption(line, "members", BenchmarkSettings.DEFAULT_MEMBERS, 1),
        inferenceBatches, !line.hasOption("skip-inference"),
        matmul(line),
        intOption(line, "profile-steps", BenchmarkSettings.DEFAULT_PROFILE_STEPS, 0), line.hasOption("compare-rewriting"));
    StepTimes.Report report = StepTimes.measure(settings, console.out());
    Path out = Path.of(line.getOptionValue("out", "benchmarks/results/step-times.json"));
    StepTimes.write(report, out);
    console.out().println("wrote " + out);
    return 0;
  }

  /** A comma-separated list of batch sizes, each at least 1. */
  private static int[] sizes(CommandLine line, String option, String fallback) throws UsageException {
    int[] sizes;
    try {
      sizes = Arrays.stream(line.getOptionValue(option, fallback).split(",")).map(String::strip)
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
    int n = intOption(line, "matmul", BenchmarkSettings.DEFAULT_MATMUL, 1);
    if (n > BenchmarkSettings.MAX_MATMUL) {
      throw new UsageException("--matmul must be at most " + BenchmarkSettings.MAX_MATMUL + " (three " + n + " x " + n
          + " float matrices would not fit in memory), got " + n);
    }
    return n;
  }
}
