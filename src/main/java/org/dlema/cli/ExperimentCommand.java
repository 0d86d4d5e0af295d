package org.dlema.cli;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.eval.EvaluationReport;
import org.dlema.eval.Evaluator;
import org.dlema.export.EnsembleExporter;
import org.dlema.export.ModelExporter;
import org.dlema.export.ServedModel;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.train.Checkpoints;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.RunConfig;
import org.dlema.train.Trainer;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingSettings;
import org.dlema.train.TrainingTargets;

/**
 * {@code dlema experiment}: every method of the paper's experimental section with one budget and seed, evaluated on
 * every test set, in one report. Each stage leaves a finished run folder, export or evaluation behind and is skipped
 * when found, so an interrupted experiment continues where it stopped.
 */
final class ExperimentCommand extends OptionsCommand {
  /** Steps, learning rate, clean batch and validation interval of one budget. */
  record Budget(String name, int steps, double learningRate, int cleanBatch, int validateEvery) {
    static Budget of(String name) throws UsageException {
      return switch (name) {
        // Fits 2 CPU cores in well under 90 minutes with linknet-lite on 1600 ISIC images.
        case "quick" -> new Budget(name, 1500, 1e-3, 8, 500);
        // The paper's settings (3.2): lr 1e-4, clean batch 64; the weight maps of Figures 3-4 are at 100K steps.
        case "paper" -> new Budget(name, 100_000, 1e-4, EnsembleSettings.PAPER_CLEAN_BATCH, 5000);
        default -> throw new UsageException("--budget must be quick or paper, got '" + name + "'");
      };
    }
  }

  /** What experiment.json records: the command's settings and each finished stage's wall time in seconds. */
  record State(String data, List<String> tests, String budget, String spec, long seed, Map<String, Double> seconds) {}

  static final String STATE = "experiment.json";

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
        + "OUT/report.md with the tables, the members' weight maps and the reliability diagrams. Run folders go "
        + "to OUT/runs/, exports to OUT/export/, the evaluation to OUT/evaluation/. Interrupted, it resumes where "
        + "it stopped when run again with the same options.";
  }

  @Override
  String footer() {
    return "Example: dlema data split --data data/isic-sim --out data/isic-split && dlema experiment --data "
        + "data/isic-split/train.csv --test data/isic-split/test.csv --budget quick (see docs/results.md)";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("data", "DIR", "the training set (folder or manifest)"));
    options.addOption(valued("test", "DIR", "a test set (repeatable; one table column each, plus one against "
        + "its reference masks when it keeps them)"));
    options.addOption(valued("budget", "NAME", "quick (1500 steps, lr 1e-3, clean batch 8) or paper (100000 "
        + "steps, lr 1e-4, clean batch 64) (default quick)"));
    options.addOption(valued("steps", "N", "override the budget's steps per network"));
    options.addOption(valued("out", "DIR", "experiment folder (default runs/experiment)"));
    options.addOption(valued("spec", "SPEC", "network spec (default " + SpecFiles.DEFAULT + ")"));
    options.addOption(valued("seed", "N", "seed of split, partition, weights and batches (default 1)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path data = Path.of(required(line, "data"));
    String[] tests = line.getOptionValues("test");
    if (tests == null) {
      throw new UsageException("give at least one --test set");
    }
    Budget budget = Budget.of(line.getOptionValue("budget", "quick"));
    if (line.hasOption("steps")) {
      budget = new Budget(budget.name(), intOption(line, "steps", budget.steps(), 1), budget.learningRate(),
          budget.cleanBatch(), Math.min(budget.validateEvery(), intOption(line, "steps", budget.steps(), 1)));
    }
    Path out = Path.of(line.getOptionValue("out", "runs/experiment"));
    NetworkSpec spec = SpecFiles.load(line.getOptionValue("spec", SpecFiles.DEFAULT));
    long seed = longOption(line, "seed", 1);
    PrintStream log = console.out();

    State state = new State(data.toString(), List.of(tests), budget.name() + " (" + budget.steps() + " steps)",
        spec.name(), seed, new LinkedHashMap<>());
    Path stateFile = out.resolve(STATE);
    if (Files.isRegularFile(stateFile)) {
      State before = JsonFiles.read(stateFile, State.class);
      if (!before.data().equals(state.data()) || !before.tests().equals(state.tests())
          || !before.budget().equals(state.budget()) || !before.spec().equals(state.spec()) || before.seed() != seed) {
        throw new UsageException(out + " holds an experiment with other options (" + before.data() + ", "
            + before.budget() + ", " + before.spec() + ", seed " + before.seed() + "); choose another --out");
      }
      state = before;
      log.println("continuing experiment " + out);
    } else {
      if (Files.isDirectory(out)) {
        try (var entries = Files.list(out)) {
          if (entries.findAny().isPresent()) {
            throw new UsageException(out + " is not empty and holds no " + STATE + "; choose another --out");
          }
        }
      }
      Files.createDirectories(out);
      JsonFiles.write(stateFile, state);
    }

    Path runs = out.resolve("runs");
    Budget b = budget;
    stage(log, state, stateFile, "baseline", () -> single(data, spec, settings(b, "baseline", seed),
        TrainingTargets.Options.defaults(), runs.resolve("baseline"), log));
    stage(log, state, stateFile, "dlema", () -> {
      for (Trainer.Outcome o : EnsembleRun.train(data, spec, settings(b, "dlema", seed), new EnsembleSettings(0,
          b.cleanBatch(), "cross-entropy", "uniform", 16), runs.resolve("dlema"), null, log)) {
        failIfDiverged(o, runs.resolve("dlema"));
      }
    });
    int members = JsonFiles.read(runs.resolve("dlema").resolve(TrainingRun.CONFIG), RunConfig.class).ensemble()
        .members();
    stage(log, state, stateFile, "less-is-more", () -> single(data, spec, settings(b, "less-is-more", seed),
        TrainingTargets.Options.defaults(), runs.resolve("less-is-more"), log));
    stage(log, state, stateFile, "staple", () -> single(data, spec, settings(b, "staple", seed),
        TrainingTargets.Options.defaults(), runs.resolve("staple"), log));
    NetworkSpec dropout = spec.withDropout(0.3, NetworkSpec.PAPER_DROPOUT_LAYERS, NetworkSpec.PAPER_MC_PASSES);
    for (int i = 1; i <= members; i++) {
      int subset = i;
      stage(log, state, stateFile, "mc-dropout-" + i, () -> single(data, dropout, settings(b, "mc-dropout", seed),
          new TrainingTargets.Options(TrainingTargets.DEFAULT_MIN_KAPPA, subset, members),
          runs.resolve("mc-dropout").resolve(Integer.toString(subset)), log));
    }

    Path export = out.resolve("export");
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("baseline", runs.resolve("baseline"));
    models.put("D-LEMA", runs.resolve("dlema"));
    models.put("less-is-more", runs.resolve("less-is-more"));
    models.put("STAPLE", runs.resolve("staple"));
    for (int i = 1; i <= members; i++) {
      models.put("MC dropout " + i, runs.resolve("mc-dropout").resolve(Integer.toString(i)));
    }
    Map<String, Path> exported = new LinkedHashMap<>();
    stage(log, state, stateFile, "export", () -> {
      for (var model : models.entrySet()) {
        exported.put(model.getKey(), exportOnce(model.getValue(), export, name(model.getKey()), console));
      }
    });
    if (exported.isEmpty()) {
      for (String label : models.keySet()) {
        exported.put(label, ModelExporter.versionFolder(export, name(label), 1));
      }
    }
    Path evaluation = out.resolve("evaluation");
    stage(log, state, stateFile, "evaluation", () -> {
      // A finished evaluation whose stage was not recorded (killed in between) is kept.
      if (!Files.isRegularFile(evaluation.resolve(EvaluationReport.JSON))) {
        evaluate(exported, tests, evaluation);
      }
    });
    stage(log, state, stateFile, "figures", () -> {
      Files.createDirectories(out.resolve("figures"));
      WeightsCommand.draw(runs.resolve("dlema"), null, out.resolve("figures").resolve("weights.png"));
    });
    JsonFiles.writeString(out.resolve("report.md"), report(state, b, evaluation, members));
    log.println("done: " + out.resolve("report.md"));
    return 0;
  }

  private interface Stage {
    void run() throws Exception;
  }

  /** Runs a stage unless experiment.json marks it finished, then records its wall time. */
  private static void stage(PrintStream log, State state, Path file, String name, Stage stage) throws Exception {
    if (state.seconds().containsKey(name)) {
      log.println("[" + name + "] finished earlier, skipped");
      return;
    }
    log.println("[" + name + "]");
    long start = System.nanoTime();
    stage.run();
    state.seconds().put(name, (System.nanoTime() - start) / 1e9);
    JsonFiles.write(file, state);
  }

  static TrainingSettings settings(Budget b, String method, long seed) {
    return new TrainingSettings(method, TrainingSettings.DEFAULT_BATCH, b.learningRate(),
        TrainingSettings.DEFAULT_MOMENTUM, TrainingSettings.DEFAULT_WEIGHT_DECAY,
        TrainingSettings.DEFAULT_MC_SAMPLES, seed, b.steps(), b.validateEvery(), b.validateEvery(),
        TrainValidationSplit.DEFAULT_VALIDATION_FRACTION);
  }

  /** Trains one network to the budget, resuming a run that has a checkpoint and restarting one that has none. */
  private static void single(Path data, NetworkSpec spec, TrainingSettings settings, TrainingTargets.Options options,
      Path run, PrintStream log) throws IOException {
    Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"));
    Trainer.Outcome outcome;
    if (checkpoints.state(Checkpoints.LATEST).isPresent()) {
      outcome = TrainingRun.resume(run, settings.steps(), log);
    } else {
      if (Files.exists(run)) {
        MoreFiles.deleteRecursively(run, RecursiveDeleteOption.ALLOW_INSECURE);
      }
      outcome = TrainingRun.start(data, spec, settings, options, run, log);
    }
    failIfDiverged(outcome, run);
  }

  private static void failIfDiverged(Trainer.Outcome outcome, Path run) throws IOException {
    if (outcome.diverged()) {
      throw new IOException(run + ": training diverged after " + outcome.steps() + " steps");
    }
  }

  private static String name(String label) {
    return label.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  /** Version 1 of the model, written unless already there. */
  private static Path exportOnce(Path run, Path root, String name, Console console) throws IOException {
    Path version = ModelExporter.versionFolder(root, name, 1);
    if (Files.isRegularFile(version.resolve("saved_model.pb"))) {
      return version;
    }
    RunConfig config = JsonFiles.read(run.resolve(TrainingRun.CONFIG), RunConfig.class);
    if (config.isEnsemble()) {
      // Members are committed before the fused model: a kill in between leaves complete member versions that
      // this experiment wrote and now writes again.
      for (int i = 1; i <= config.ensemble().members(); i++) {
        Path member = ModelExporter.versionFolder(root, EnsembleExporter.memberModel(name, i), 1);
        if (Files.exists(member)) {
          MoreFiles.deleteRecursively(member, RecursiveDeleteOption.ALLOW_INSECURE);
        }
      }
      return EnsembleExporter.export(run, Checkpoints.BEST, root, name, 1, null, console.err()).ensemble();
    }
    return ModelExporter.export(run, Checkpoints.BEST, root, name, 1);
  }

  private static void evaluate(Map<String, Path> exported, String[] tests, Path evaluation) throws Exception {
    List<Evaluator.TestSet> sets = EvaluateCommand.testSets(tests);
    Map<String, ServedModel> served = new LinkedHashMap<>();
    try (AtomicDirectory dir = AtomicDirectory.create(evaluation)) {
      for (var model : exported.entrySet()) {
        served.put(model.getKey(), ServedModel.load(model.getValue(), ModelExporter.DEFAULT_SIGNATURE));
      }
      Evaluator.Results results = Evaluator.evaluate(sets, EvaluateCommand.predictor(served),
          dir.path().resolve("examples"), 3);
      EvaluationReport.write(dir.path(), results, Map.of("tests", List.of(tests)));
      dir.commit();
    } finally {
      served.values().forEach(ServedModel::close);
    }
  }

  private static String report(State state, Budget budget, Path evaluation, int members) throws IOException {
    StringBuilder md = new StringBuilder("# Experiment report\n\n");
    md.append("Training set `").append(state.data()).append("`; test sets ").append(String.join(", ",
        state.tests().stream().map(t -> "`" + t + "`").toList())).append(".\n\n");
    md.append(String.format(Locale.ROOT, "Budget **%s**: every network %d steps of batch 2, learning rate %s, "
        + "momentum 0.99, weight decay 5e-5, 10 Monte Carlo samples; D-LEMA clean batch %d, %d members; "
        + "MC dropout p = 0.3, 5 layers, 15 passes; spec `%s`, seed %d.%n%n", budget.name(), budget.steps(),
        budget.learningRate(), budget.cleanBatch(), members, state.spec(), state.seed()));
    md.append("Rows: `baseline` = Table 1 row A; `D-LEMA member i` = rows B-F; `D-LEMA uniform`, "
        + "`D-LEMA pixel_confidence`, `D-LEMA image_confidence` = rows G, H, I; `less-is-more` = row J; `STAPLE` "
        + "= a network trained on each image's STAPLE consensus (not in the paper); `MC dropout i` = Table 2 "
        + "rows A-E (row F, the deep ensemble, is `D-LEMA uniform`).\n\n");
    md.append(Files.readString(evaluation.resolve(EvaluationReport.TABLES)));
    md.append("\n## Figures\n\n- The members' learned weight maps over the inconsistency maps (paper Figures "
        + "3-4): ![weights](figures/weights.png)\n- Reliability diagrams: `evaluation/reliability/`\n"
        + "- Overlays of the first test images: `evaluation/examples/`\n\n## Wall time per stage (2 CPU cores)\n\n"
        + "| stage | minutes |\n|---|---|\n");
    state.seconds().forEach((stage, seconds) -> md.append(String.format(Locale.ROOT, "| %s | %.1f |%n", stage,
        seconds / 60)));
    return md.toString();
  }
}
