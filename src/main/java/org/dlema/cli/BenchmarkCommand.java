package org.dlema.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.bench.StepTimes;
import org.dlema.graph.NetworkSpec;

/** {@code dlema benchmark}: training-step and inference times per spec and batch size, in one process. */
final class BenchmarkCommand extends OptionsCommand {
  BenchmarkCommand() {
    super("benchmark");
  }

  @Override
  public String summary() {
    return "measure training-step and inference times of network specs (medians and ratios, one process)";
  }

  @Override
  String description() {
    return "Builds the training graph of each spec at each batch size (aleatoric loss with 10 samples, momentum "
        + "SGD) and the D-LEMA member's meta-step graph, warms them up, then times training steps, inference passes "
        + "and meta steps, interleaved, on random data. Reports medians, each step time as a ratio to the first "
        + "configuration and each meta step as a ratio to the plain step, and writes them as JSON and a markdown "
        + "table.";
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
    int[] batches;
    try {
      batches = Arrays.stream(line.getOptionValue("batches", "2,16").split(",")).map(String::strip)
          .mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new UsageException("--batches expects whole numbers separated by commas");
    }
    if (Arrays.stream(batches).anyMatch(b -> b < 1)) {
      throw new UsageException("--batches must all be at least 1");
    }
    Integer cleanBatch = line.hasOption("clean-batch") ? intOption(line, "clean-batch", 1, 1) : null;
    StepTimes.Report report = StepTimes.measure(specs, batches, cleanBatch, intOption(line, "warmup", 5, 0),
        intOption(line, "steps", 20, 1), console.out());
    Path out = Path.of(line.getOptionValue("out", "benchmarks/results/step-times.json"));
    StepTimes.write(report, out);
    console.out().println("wrote " + out);
    return 0;
  }
}
