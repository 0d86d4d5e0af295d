package org.dlema.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.experiment.Budget;
import org.dlema.experiment.Experiment;
import org.dlema.graph.NoiseDraw;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.Method;

/** {@code dlema experiment}: every method of the paper's experimental section, evaluated, in one report. */
final class ExperimentCommand extends OptionsCommand {
  ExperimentCommand() {
    super("experiment");
  }

  @Override
  public String summary() {
    return "train every method with one budget, evaluate all on the test sets, write report.md (Tables 1-2)";
  }

  @Override
  String description() {
    return "Runs the paper's experimental section on a multi-annotator training set: the baseline (Table 1 row "
        + "A), the D-LEMA ensemble (members B-F, fusions G-I, exported with the members), less-is-more (row J), a "
        + "STAPLE-consensus network, and one MC-dropout network per member subset (Table 2), all with the same "
        + "budget and seed; then evaluates every model on every --test set (dlema evaluate) and writes "
        + "OUT/report.md with the settings used, the tables, the members' weight maps and the reliability "
        + "diagrams. Run folders go to OUT/runs/, exports to OUT/export/, the evaluation to OUT/evaluation/. "
        + "Interrupted, it resumes where it stopped when run again with the same options. Networks train two at a "
        + "time on two or more cores (--side-by-side); their log lines start with the network's name.";
  }

  @Override
  String footer() {
    return "Example: dlema data split --data data/isic-sim --out data/isic-split && dlema experiment --data "
        + "data/isic-split/train.csv --test data/isic-split/test.csv (see docs/results.md)";
  }

  private static final Declared<String> DATA = Declared.valued("data", "DIR", "the training set (folder or "
      + "manifest)", null);
  private static final Declared<String> TEST = Declared.valued("test", "DIR", "a test set (repeatable; one table "
      + "column each, plus one against its reference masks when it keeps them)", null);
  private static final Declared<String> BUDGET = Declared.valued("budget", "NAME", Budget.help(), Budget.DEFAULT);
  private static final Declared<Integer> STEPS = Declared.valued("steps", "N", "override the budget's steps per "
      + "network", null);
  private static final Declared<Double> MINUTES = Declared.valued("minutes", "M", "instead of --steps: cut every "
      + "network's steps (never above the budget's) so that the whole experiment takes about M minutes on this "
      + "machine; its plain and meta steps are timed first (under a minute), and the count chosen is printed, "
      + "recorded in experiment.json and report.md, and kept when the experiment resumes with the same --minutes; "
      + "--steps with that count repeats the run exactly anywhere", null);
  private static final Declared<EnsembleSettings.WeightRegion> WEIGHT_REGION = Declared.valued("weight-region",
      "NAME", "override where the budget's D-LEMA members learn eq. 1's weights: all (the paper's, every pixel; "
      + "quick and paper) or disputed (only where an image's annotations disagree; cpu, cpu-long and cpu-hour)",
      null);
  private static final Declared<Double> EMA = Declared.valued("ema", "D", "average every network's weights, decay D "
      + "per step, for validation, model selection and export, as train --ema (e.g. 0.995: about the last 200 "
      + "steps) (default 0: none, every budget's)", null);
  private static final Declared<String> OUT = Declared.valued("out", "DIR", "experiment folder", "runs/experiment");
  private static final Declared<Long> SEED = Declared.seed("seed of split, partition, weights and batches");
  private static final Declared<Integer> SIDE_BY_SIDE = Declared.valued("side-by-side", "N", "networks trained at "
      + "the same time (D-LEMA's members, then the single networks), each on its own threads; the results are the "
      + "same (2 with at least two cores, else 1)", EnsembleRun.defaultSideBySide());
  private static final Declared<String> METHODS = Declared.valued("methods", "LIST", "comma-separated methods to "
      + "train and evaluate, e.g. baseline,dlema,staple,less-is-more for one point of a noise sweep (default all: "
      + Experiment.METHODS.stream().map(Method::id).collect(Collectors.joining(",")) + ")", null);
  private static final Declared<Integer> MEMBERS = Declared.valued("members", "M", "D-LEMA members and MC-dropout "
      + "networks (default: the largest annotation count of the training images)", null);
  private static final List<Declared<?>> ALL = List.of(DATA, TEST, BUDGET, STEPS, MINUTES, WEIGHT_REGION, EMA,
      TrainOptions.MC_NOISE, OUT, TrainOptions.SPEC, SEED, SIDE_BY_SIDE, METHODS, MEMBERS, TrainOptions.GROUP_BY);

  @Override
  Options options() {
    return Declared.options(ALL);
  }

  @Override
  Set<String> repeatable() {
    return Set.of("test");
  }

  @Override
  String defaultOut(CommandLine line) {
    return OUT.fallback();
  }

  @Override
  boolean trainsRuns() {
    return true;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path data = Path.of(required(line, "data"));
    String[] tests = line.getOptionValues("test");
    if (tests == null) {
      throw new UsageException("give at least one --test set");
    }
    Budget budget = budgetOption(line);
    if (MINUTES.given(line) && STEPS.given(line)) {
      throw new UsageException("give --steps or --minutes, not both");
    }
    double minutes = MINUTES.decimal(line, 0, 1, 100_000);
    if (STEPS.given(line)) {
      budget = budget.withSteps(STEPS.integer(line, budget.steps(), 1));
    }
    budget = budget.toBuilder().weightRegion(WEIGHT_REGION.choice(line, budget.weightRegion(),
        EnsembleSettings.WeightRegion.values())).averageDecay(averageDecayOption(line, budget.averageDecay()))
        .noiseDraw(TrainOptions.MC_NOISE.choice(line, budget.noiseDraw(), NoiseDraw.values())).build();
    List<Path> testSets = Arrays.stream(tests).map(Path::of).toList();
    Experiment.Builder builder = Experiment.builder(data, testSets, budget, SpecFiles.load(TrainOptions.SPEC.text(
        line)), SEED.whole(line), outputFolder(line))
        .sideBySide(SIDE_BY_SIDE.integer(line, 1))
        .groupBy(groupByOption(line));
    if (MEMBERS.given(line)) {
      builder.members(MEMBERS.integer(line, 0, 1));
    }
    if (METHODS.given(line)) {
      String known = Experiment.METHODS.stream().map(Method::id).collect(Collectors.joining(", "));
      builder.methods(listOption(METHODS.name(), METHODS.text(line), Experiment.METHODS, Method::id,
          bad -> "no method '" + bad + "'; choose from " + known));
    }
    Experiment experiment;
    try {
      experiment = builder.build();
    } catch (IllegalArgumentException e) {
      // Experiment decides what the methods need; the command line only names the option that gives it.
      throw new UsageException("--methods: " + e.getMessage() + ", which the command line needs --members for");
    }
    kernelNote(console);
    if (minutes > 0) {
      experiment = experiment.fittedTo(minutes, console.out());
    }
    console.out().println("done: " + experiment.run(console.out()));
    return 0;
  }
}
