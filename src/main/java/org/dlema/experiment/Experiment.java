package org.dlema.experiment;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.dlema.bench.StepCost;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.eval.EvaluationReport;
import org.dlema.eval.TestSets;
import org.dlema.export.EnsembleExporter;
import org.dlema.export.ExportRequest;
import org.dlema.export.Exports;
import org.dlema.export.ModelExporter;
import org.dlema.export.ProbabilityCalibration;
import org.dlema.export.ServedEvaluation;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.io.PrefixedLines;
import org.dlema.train.CheckpointKind;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.Method;
import org.dlema.train.RunConfig;
import org.dlema.train.SideBySide;
import org.dlema.train.Trainer;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingSettings;
import org.dlema.train.TrainingTargets;
import org.dlema.train.WeightFigure;

/**
 * The paper's experimental section with one budget and seed: the baseline (Table 1 row A), the D-LEMA ensemble
 * (members B-F, fusions G-I), less-is-more (row J), a STAPLE-consensus network and one MC-dropout network per
 * member subset (Table 2); then every model exported, evaluated on every test set and written up in
 * {@code report.md}. The stages: D-LEMA's members, then the single networks side by side ({@code networks}: the
 * baseline, less-is-more, STAPLE and one MC-dropout network per member), export, evaluation, figures. Each leaves
 * finished run folders, exports or an evaluation behind and is skipped when found. A subset of the methods gives a
 * cheaper experiment, e.g. one point of a noise sweep.
 *
 * @param data the training set
 * @param tests the test sets (one table column each)
 * @param methods the methods trained and evaluated, in {@link #METHODS}' order
 * @param members the D-LEMA ensemble's size M (and the MC-dropout networks'); from the data when 0
 * @param sideBySide networks trained at the same time: D-LEMA's members, then the single networks (the results do
 *     not depend on it)
 * @param fit how the budget's steps were cut to a given time on this machine (null: they were not)
 * @param groupBy the pattern in each image id that names its group (e.g. its patient), kept whole by every network's
 *     validation split (null: single images)
 */
public record Experiment(Path data, List<Path> tests, List<Method> methods, Budget budget, NetworkSpec spec,
    long seed, int members, int sideBySide, Path out, TimeFit fit, String groupBy) {
  /** Every method of the experiment, in the order they are trained. */
  public static final List<Method> METHODS = List.of(Method.BASELINE, Method.DLEMA, Method.LESS_IS_MORE,
      Method.STAPLE, Method.MC_DROPOUT);

  public static final String REPORT = "report.md";
  /** The stage that trains the single networks (baseline, less-is-more, STAPLE, MC dropout) side by side. */
  static final String NETWORKS = "networks";
  static final String WEIGHT_FIGURE = "figures/weights.png";
  /** The models also evaluated without temperature scaling, and the suffix of their rows. */
  static final List<String> UNCALIBRATED = List.of(label(Method.BASELINE), label(Method.DLEMA));
  static final String UNCALIBRATED_SUFFIX = " (uncalibrated)";

  public Experiment {
    checkArgument(!methods.isEmpty() && METHODS.containsAll(methods), "methods must be some of %s, got %s", METHODS,
        methods);
    methods = METHODS.stream().filter(methods::contains).toList();
    checkArgument(methods.contains(Method.DLEMA) || !methods.contains(Method.MC_DROPOUT) || members > 0,
        "mc-dropout without dlema needs the member count (one network per member subset)");
  }

  /** Every method, the budget's ensemble, members side by side as the machine allows. */
  public static Experiment of(Path data, List<Path> tests, Budget budget, NetworkSpec spec, long seed, Path out) {
    return builder(data, tests, budget, spec, seed, out).build();
  }

  /** An experiment of every method, the ensemble's size from the data, as many side by side as the machine allows. */
  public static Builder builder(Path data, List<Path> tests, Budget budget, NetworkSpec spec, long seed, Path out) {
    return new Builder(data, tests, budget, spec, seed, out);
  }

  /** This experiment's settings, to change some. */
  public Builder toBuilder() {
    return new Builder(data, tests, budget, spec, seed, out).methods(methods).members(members)
        .sideBySide(sideBySide).fit(fit).groupBy(groupBy);
  }

  /** The settings that have defaults, set by name. */
  public static final class Builder {
    private final Path data;
    private final List<Path> tests;
    private Budget budget;
    private final NetworkSpec spec;
    private final long seed;
    private final Path out;
    private List<Method> methods = METHODS;
    private int members;
    private int sideBySide = EnsembleRun.defaultSideBySide();
    private TimeFit fit;
    private String groupBy;

    private Builder(Path data, List<Path> tests, Budget budget, NetworkSpec spec, long seed, Path out) {
      this.data = data;
      this.tests = tests;
      this.budget = budget;
      this.spec = spec;
      this.seed = seed;
      this.out = out;
    }

    /** Only these of the methods. */
    public Builder methods(List<Method> value) {
      methods = value;
      return this;
    }

    /** An ensemble of {@code m} members (and as many MC-dropout networks); 0: from the data. */
    public Builder members(int m) {
      members = m;
      return this;
    }

    /** Up to {@code n} networks trained at the same time. */
    public Builder sideBySide(int n) {
      sideBySide = n;
      return this;
    }

    /** Every network's validation split keeping the groups {@code pattern} names whole (null: single images). */
    public Builder groupBy(String pattern) {
      groupBy = pattern;
      return this;
    }

    Builder fit(TimeFit value) {
      fit = value;
      return this;
    }

    Builder budget(Budget value) {
      budget = value;
      return this;
    }

    public Experiment build() {
      return new Experiment(data, tests, methods, budget, spec, seed, members, sideBySide, out, fit, groupBy);
    }
  }

  /**
   * The same experiment with every network's steps cut so that the whole of it takes about {@code minutes} on this
   * machine, never more steps than the budget's (see {@link TimeFit}). The plain and meta steps are timed first
   * (under a minute), unless this experiment's folder holds one fitted to the same minutes: its steps are kept,
   * so that the experiment resumes. Call it once the methods, members and side-by-side count are set.
   *
   * @throws ExperimentException when the minutes do not fit {@link TimeFit#MIN_STEPS} steps per network, or the
   *     folder holds an experiment fitted to other minutes or started without them
   */
  public Experiment fittedTo(double minutes, PrintStream log) throws IOException {
    return fittedTo(minutes, log, () -> StepCost.measure(spec, budget.batch(), budget.cleanBatch(),
        budget.noiseDraw()));
  }

  /** As {@link #fittedTo(double, PrintStream)}, with the steps timed by {@code timing}. */
  Experiment fittedTo(double minutes, PrintStream log, Supplier<StepCost> timing) throws IOException {
    checkArgument(minutes > 0, "minutes must be positive, got %s", minutes);
    ExperimentState started = ExperimentState.readIn(out);
    if (started != null) {
      // A started experiment keeps its steps: timing again could only choose others, which it would refuse.
      TimeFit earlier = started.fit();
      if (earlier == null) {
        throw new ExperimentException(out + " holds an experiment started without a time limit (" + started.budget()
            + "); continue it without one");
      }
      if (earlier.minutes() != minutes) {
        throw new ExperimentException(out + " holds an experiment fitted to " + TimeFit.fmt(earlier.minutes())
            + " minutes (" + earlier.steps() + " steps per network); continue it with the same "
            + TimeFit.fmt(earlier.minutes()) + " minutes or " + earlier.steps() + " fixed steps");
      }
      log.println("steps fitted earlier, kept: " + earlier.describe());
      return withFit(earlier);
    }
    long start = System.nanoTime();
    log.printf(Locale.ROOT, "timing this machine's plain and meta steps of %s at batch %d to fit %s minutes%n",
        spec.name(), budget.batch(), TimeFit.fmt(minutes));
    int members = methods.contains(Method.DLEMA) || methods.contains(Method.MC_DROPOUT) ? memberCount() : 0;
    StepCost cost = timing.get();
    double spent = (System.nanoTime() - start) / 60e9;
    TimeFit fit = TimeFit.plan(budget, methods, members, sideBySide, cost, minutes, spent);
    log.printf(Locale.ROOT, "timed in %.0f seconds; %s%n", spent * 60, fit.describe());
    return withFit(fit);
  }

  private Experiment withFit(TimeFit chosen) {
    // The members' meta warm-up keeps its share of the fewer steps, as with --steps.
    return toBuilder().budget(budget.withSteps(chosen.steps())).fit(chosen).build();
  }

  /** The D-LEMA ensemble's settings: the budget's (clean batch, weighting, meta warm-up) with {@link #members}. */
  public EnsembleSettings ensemble() {
    return budget.ensemble().withMembers(members);
  }

  /** The training settings of {@code method}: the budget's, with this experiment's seed and groups. */
  private TrainingSettings settings(Method method) {
    return budget.settings(method, seed).toBuilder().groupBy(groupBy).build();
  }

  /** The ensemble's size: as set, else as the training run will decide it from the data. */
  private int memberCount() {
    return members > 0 ? members : EnsembleRun.size(DatasetReader.read(data,
        ReadOptions.strict()), settings(Method.DLEMA), 0);
  }

  /** Runs (or continues) every stage; returns the report. */
  public Path run(PrintStream log) throws IOException {
    // A test set that cannot be read would otherwise fail only after every network has trained.
    TestSets.read(tests);
    ExperimentState state = ExperimentState.openOrCreate(out, new ExperimentState(data.toString(),
        tests.stream().map(Path::toString).toList(), methods.stream().map(Method::id).toList(), budget.label(),
        spec.name(), seed, Map.of(), Map.of(), fit, groupBy));
    Stages stages = new Stages(state, out.resolve(ExperimentState.FILE), log);
    Path runs = out.resolve("runs");
    Path dlema = runs.resolve(Method.DLEMA.id());
    if (methods.contains(Method.DLEMA)) {
      stages.run(Method.DLEMA.id(), () -> trainEnsemble(dlema, log));
    }
    boolean withDropout = methods.contains(Method.MC_DROPOUT);
    int ensembleSize = methods.contains(Method.DLEMA) ? RunConfig.read(dlema).ensemble().members() : members;
    Path dropout = runs.resolve(Method.MC_DROPOUT.id());
    List<Network> networks = new ArrayList<>();
    for (Method method : methods) {
      if (method != Method.DLEMA && method != Method.MC_DROPOUT) {
        networks.add(new Network(method.id(), method, spec, TrainingTargets.Options.defaults(),
            runs.resolve(method.id())));
      }
    }
    for (int i = 1; withDropout && i <= ensembleSize; i++) {
      networks.add(new Network(Method.MC_DROPOUT.id() + "-" + i, Method.MC_DROPOUT, Budget.dropout(spec),
          new TrainingTargets.Options(TrainingTargets.DEFAULT_MIN_KAPPA, i, ensembleSize),
          dropout.resolve(Integer.toString(i))));
    }
    if (!networks.isEmpty()) {
      stages.run(NETWORKS, () -> trainSideBySide(networks, log));
    }

    Map<String, Path> models = new LinkedHashMap<>();
    for (Method method : methods) {
      if (method != Method.MC_DROPOUT) {
        models.put(label(method), runs.resolve(method.id()));
      }
    }
    for (int i = 1; withDropout && i <= ensembleSize; i++) {
      models.put("MC dropout " + i, dropout.resolve(Integer.toString(i)));
    }
    List<String> uncalibrated = UNCALIBRATED.stream().filter(models::containsKey).toList();
    // Every model calibrated (what is served), and the baseline and the ensemble also as ensembleSize: before/after.
    Path export = out.resolve("export");
    Path uncalibratedRoot = out.resolve("export-uncalibrated");
    Map<String, Path> exported = new LinkedHashMap<>();
    for (String label : models.keySet()) {
      exported.put(label, ModelExporter.versionFolder(export, name(label), 1));
    }
    for (String label : uncalibrated) {
      exported.put(label + UNCALIBRATED_SUFFIX, ModelExporter.versionFolder(uncalibratedRoot, name(label), 1));
    }
    stages.run("export", () -> {
      for (var model : models.entrySet()) {
        exportOnce(model.getValue(), export, name(model.getKey()), ProbabilityCalibration.TEMPERATURE, log);
      }
      for (String label : uncalibrated) {
        exportOnce(models.get(label), uncalibratedRoot, name(label), ProbabilityCalibration.NONE, log);
      }
    });
    Path evaluation = out.resolve("evaluation");
    stages.run("evaluation", () -> {
      // A finished evaluation whose stage was not recorded (killed in between) is kept.
      if (!Files.isRegularFile(evaluation.resolve(EvaluationReport.JSON))) {
        evaluate(exported, evaluation, log);
      }
    });
    if (methods.contains(Method.DLEMA)) {
      stages.run("figures", () -> {
        try {
          WeightFigure.draw(dlema, null, out.resolve(WEIGHT_FIGURE));
        } catch (WeightFigure.NoMapsException e) {
          // Members augmented with zoom or shift keep no maps (no exact inverse), nor did members augmented
          // before maps were turned back: the report says so instead of failing a finished experiment.
          log.println("no weight-map figure: " + e.getMessage());
        }
      });
    }
    Path report = out.resolve(REPORT);
    JsonFiles.writeString(report, ExperimentReport.markdown(this, state, models, evaluation));
    return report;
  }

  /** The row label of a method's model in the tables. */
  static String label(Method method) {
    return switch (method) {
      case BASELINE -> "baseline";
      case DLEMA -> "D-LEMA";
      case LESS_IS_MORE -> "less-is-more";
      case STAPLE -> "STAPLE";
      case MC_DROPOUT -> "MC dropout";
    };
  }

  /** Trains the D-LEMA ensemble to the budget, its members {@link #sideBySide} at a time. */
  private void trainEnsemble(Path run, PrintStream log) throws IOException {
    for (Trainer.Outcome o : EnsembleRun.train(data, spec, settings(Method.DLEMA), ensemble(), run, null,
        sideBySide, log)) {
      o.requireFinished(run);
    }
  }

  /** One single network of the experiment: its name (the prefix of its log lines), method and run. */
  private record Network(String name, Method method, NetworkSpec spec, TrainingTargets.Options options, Path run) {}

  /**
   * Trains every single network to the budget, {@link #sideBySide} at a time (each continues its run when it has a
   * checkpoint, and a finished one is reused); each one's log lines start with its name.
   */
  private void trainSideBySide(List<Network> networks, PrintStream log) throws IOException {
    List<SideBySide.Job<Void>> jobs = new ArrayList<>();
    for (Network n : networks) {
      jobs.add(() -> {
        try (PrintStream own = PrefixedLines.on(log, "[" + n.name() + "] ")) {
          long start = System.nanoTime();
          TrainingRun.trainOrResume(data, n.spec(), settings(n.method()), n.options(), n.run(), own)
              .requireFinished(n.run());
          own.printf(Locale.ROOT, "done in %.1f minutes%n", (System.nanoTime() - start) / 60e9);
        }
        return null;
      });
    }
    SideBySide.run(jobs, sideBySide);
  }

  private static String name(String label) {
    return label.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  /** Version 1 of the model, written unless already there. */
  private static void exportOnce(Path run, Path root, String name, ProbabilityCalibration calibration,
      PrintStream log) throws IOException {
    if (Files.isRegularFile(ModelExporter.versionFolder(root, name, 1).resolve("saved_model.pb"))) {
      return;
    }
    RunConfig config = RunConfig.read(run);
    if (config.isEnsemble()) {
      // Members are committed before the fused model: a kill in between leaves complete member versions that
      // this experiment wrote and now writes again.
      for (int i = 1; i <= config.ensemble().members(); i++) {
        Path member = ModelExporter.versionFolder(root, EnsembleExporter.memberModel(name, i), 1);
        if (Files.exists(member)) {
          MoreFiles.deleteRecursively(member, RecursiveDeleteOption.ALLOW_INSECURE);
        }
      }
    }
    Exports.export(ExportRequest.of(run, CheckpointKind.BEST, root, name, 1).withCalibration(calibration), log);
  }

  private void evaluate(Map<String, Path> exported, Path evaluation, PrintStream log) throws IOException {
    ServedEvaluation.run(exported, tests, evaluation, 3, Map.of("tests", tests.stream().map(Path::toString).toList()),
        log);
  }

  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** One stage after another, each recorded in experiment.json with its wall and CPU time once it finished. */
  private record Stages(ExperimentState state, Path file, PrintStream log) {
    interface Body {
      void run() throws IOException;
    }

    void run(String name, Body body) throws IOException {
      if (state.seconds().containsKey(name)) {
        log.println("[" + name + "] finished earlier, skipped");
        return;
      }
      log.println("[" + name + "]");
      long start = System.nanoTime();
      long cpu = PROCESS.getProcessCpuTime();
      body.run();
      state.seconds().put(name, (System.nanoTime() - start) / 1e9);
      long used = PROCESS.getProcessCpuTime() - cpu;
      if (cpu >= 0 && used >= 0) {
        state.cpuSeconds().put(name, used / 1e9);
      }
      JsonFiles.write(file, state);
    }
  }
}
