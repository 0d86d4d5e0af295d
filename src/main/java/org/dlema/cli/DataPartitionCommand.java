package org.dlema.cli;

import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.partition.PartitionRule;

/** {@code dlema data partition}: the non-contradictory subsets C^1..C^M of a dataset, saved for inspection. */
final class DataPartitionCommand extends OptionsCommand {
  DataPartitionCommand() {
    super("data partition");
  }

  @Override
  public String summary() {
    return "split the annotations into M non-contradictory subsets (paper 2.2) and save the assignment";
  }

  @Override
  String description() {
    return "Assigns every annotation to one of M disjoint subsets C^1..C^M so that no subset holds two "
        + "annotations of the same image. Rule 'uniform' (default) sends an image's annotations to distinct "
        + "subsets drawn uniformly, so subsets have similar sizes; rule 'prefix' is the paper's literal formula "
        + "(annotations to C^1..C^{M_n}), which makes C^1 the largest. Training does this itself on the training "
        + "images; this verb shows and saves the result.";
  }

  private static final Declared<Integer> SUBSETS = Declared.valued("subsets", "M", "number of subsets (default: the "
      + "largest annotation count)", null);
  private static final Declared<PartitionRule> RULE = Declared.valued("rule", "RULE", "uniform or prefix",
      PartitionRule.UNIFORM);
  private static final Declared<Long> SEED = Declared.seed("random seed");

  @Override
  Options options() {
    return Declared.options(List.of(Declared.valued("data", "DIR", "the dataset (folder or manifest)", null),
        Declared.valued("out", "FILE", "where to write the partition JSON (optional)", null), SUBSETS, RULE, SEED));
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    MultiAnnotatedDataset dataset = DatasetReader.read(dataOption(line), ReadOptions.strict());
    PartitionRule rule = RULE.choice(line, PartitionRule.values());
    int subsets = SUBSETS.integer(line, dataset.maxAnnotations(), 1);
    NonContradictoryPartition partition;
    try {
      partition = NonContradictoryPartition.create(dataset, subsets, rule, SEED.whole(line));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--subsets: " + e.getMessage());
    }
    int[] sizes = partition.subsetSizes();
    console.out().println("rule " + rule.id() + ", " + subsets + " subsets over " + dataset.size() + " images and "
        + dataset.annotationCount() + " annotations");
    for (int i = 0; i < sizes.length; i++) {
      console.out().printf("  C^%d: %d annotations%n", i + 1, sizes[i]);
    }
    if (line.hasOption("out")) {
      Path out = Path.of(line.getOptionValue("out"));
      partition.save(out, dataset);
      console.out().println("wrote " + out);
    }
    return 0;
  }
}
