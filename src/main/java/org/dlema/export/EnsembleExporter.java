package org.dlema.export;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.DatasetException;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.FusionRule;
import org.dlema.graph.ServingGraph;
import org.dlema.graph.SessionThreads;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.train.CheckpointKind;
import org.dlema.train.Checkpoints;
import org.dlema.train.EnsembleCheckpoint;
import org.dlema.train.EnsembleRun;
import org.dlema.train.FusionValidation;
import org.dlema.train.RunConfig;
import org.dlema.train.RunFolder;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;

/**
 * Exports a D-LEMA ensemble run: every member as its own model {@code <name>-member-<i>/<version>/} and the fused
 * ensemble as {@code <name>/<version>/}, one graph holding all members (paper eq. 4) with a signature per fusion rule
 * plus {@code serving_default} for the rule chosen on validation (or given). All version folders are staged first
 * and renamed into place only once every one is complete, members before the ensemble, so an interrupted export
 * leaves no partial version folder and never a fused model without its members.
 */
public final class EnsembleExporter {
  /** The outcome: the folders written and the rule behind {@code serving_default}. */
  public record Written(Path ensemble, List<Path> members, FusionRule defaultRule,
      FusionValidation.Scores scores) {}

  private EnsembleExporter() {}

  public static String memberModel(String name, int i) {
    return name + "-member-" + i;
  }

  /** One version number for the ensemble and all its members: one past the highest any of them has. */
  public static int nextVersion(Path root, String name, int members) throws IOException {
    int version = ModelExporter.nextVersion(root.resolve(name));
    for (int i = 1; i <= members; i++) {
      version = Math.max(version, ModelExporter.nextVersion(root.resolve(memberModel(name, i))));
    }
    return version;
  }

  /** The members' runs, the states of their exported checkpoints and their temperatures (null: uncalibrated). */
  private record Members(List<Path> runs, List<Checkpoints.State> states, Double[] temperatures) {
    int count() {
      return runs.size();
    }

    /** Each member's logit divisor inside the fused graph. */
    double[] divisors() {
      double[] divisors = new double[count()];
      for (int i = 0; i < count(); i++) {
        divisors[i] = temperatures[i] == null ? 1 : temperatures[i];
      }
      return divisors;
    }
  }

  /** The rules' validation scores (null when not scored) and the fused temperatures (null when uncalibrated). */
  private record Validation(FusionValidation.Scores scores, FusedCalibration.Temperatures fusedFit) {}

  /** The rule behind {@code serving_default} and why it was chosen. */
  private record Choice(FusionRule rule, String chosenBy) {}

  /**
   * Exports the ensemble run of {@code request}; each member's temperature comes from its folder's
   * {@code calibration.json}, fitted on the run's validation images first when missing.
   */
  public static Written export(ExportRequest request, PrintStream log) throws IOException {
    Path run = request.run();
    RunConfig config = RunConfig.read(run);
    if (!config.isEnsemble()) {
      throw new IOException(run + ": not an ensemble run");
    }
    int count = config.ensemble().members();
    List<Path> memberRuns = new ArrayList<>();
    List<Checkpoints.State> states = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path member = EnsembleRun.member(run, i);
      memberRuns.add(member);
      states.add(ModelExporter.state(member, request.checkpoint()));
    }
    List<AtomicDirectory> staged = new ArrayList<>();
    Path work = Files.createTempDirectory("dlema-ensemble-");
    try {
      for (int i = 1; i <= count; i++) {
        staged.add(AtomicDirectory.create(
            ModelExporter.versionFolder(request.root(), memberModel(request.name(), i), request.version())));
      }
      AtomicDirectory fused = AtomicDirectory.create(
          ModelExporter.versionFolder(request.root(), request.name(), request.version()));
      staged.add(fused);
      Members members = new Members(memberRuns, states, temperatures(request, memberRuns, log));
      writeMembers(request, members, staged, log);
      Normalization normalization = Normalization.load(RunFolder.of(run).normalization());
      Path combined = work.resolve("ensemble");
      combine(request.checkpoint(), config, normalization, members, combined);
      Validation validation = validate(request, members, combined, log);
      Choice choice = choose(request, validation.scores(), log);
      writeFused(request.name(), config, normalization, members, combined, validation, choice, fused.path());
      JsonFiles.write(fused.path().resolve(ModelExporter.CARD),
          card(request, config, normalization, members, validation, choice));
      for (AtomicDirectory dir : staged) {
        dir.commit();
      }
      ServingConfig.write(request.root());
      List<Path> written = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        written.add(ModelExporter.versionFolder(request.root(), memberModel(request.name(), i), request.version()));
      }
      return new Written(ModelExporter.versionFolder(request.root(), request.name(), request.version()), written,
          choice.rule(), validation.scores());
    } finally {
      for (AtomicDirectory dir : staged) {
        dir.close();
      }
      MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }

  /** Each member's temperature, fitted where missing; nulls when the export is not calibrated. */
  private static Double[] temperatures(ExportRequest request, List<Path> memberRuns, PrintStream log)
      throws IOException {
    Double[] temperatures = new Double[memberRuns.size()];
    if (request.calibration() != ProbabilityCalibration.NONE) {
      List<Calibrations.Temperature> fitted = Calibrations.ensure(memberRuns, request.checkpoint(), log);
      for (int i = 0; i < temperatures.length; i++) {
        temperatures[i] = fitted.get(i).temperature();
      }
    }
    return temperatures;
  }

  /** Every member as its own model, into its staged version folder. */
  private static void writeMembers(ExportRequest request, Members members, List<AtomicDirectory> staged,
      PrintStream log) throws IOException {
    String name = request.name();
    for (int i = 1; i <= members.count(); i++) {
      log.println("member " + i + " of " + members.count() + ": " + memberModel(name, i) + "/" + request.version());
      ModelExporter.write(members.runs().get(i - 1), request.checkpoint(), staged.get(i - 1).path(),
          memberModel(name, i), request.version(), members.temperatures()[i - 1]);
    }
  }

  /** One checkpoint holding every member's variables under the fused graph's names. */
  private static void combine(CheckpointKind checkpoint, RunConfig config, Normalization normalization, Members members,
      Path combined) throws IOException {
    List<Path> prefixes = new ArrayList<>();
    for (Path member : members.runs()) {
      prefixes.add(Checkpoints.variables(RunFolder.of(member).checkpoints().folder(checkpoint)));
    }
    try (Graph graph = new Graph()) {
      // Only the members' variable names are needed here; the served graph is built by writeFused.
      EnsembleCheckpoint.write(ServingGraph.ensemble(Ops.create(graph), config.spec(), normalization.mean(),
          normalization.std(), members.divisors()).members(), prefixes, combined);
    }
  }

  /** Fits (or reuses) the fused temperatures when calibrated, and scores the rules when asked or needed. */
  private static Validation validate(ExportRequest request, Members members, Path combined, PrintStream log)
      throws IOException {
    Path run = request.run();
    double[] divisors = members.divisors();
    FusionValidation.Scores scores = null;
    FusedCalibration.Temperatures fusedFit = null;
    if (request.calibration() == ProbabilityCalibration.TEMPERATURE) {
      List<Long> steps = members.states().stream().map(Checkpoints.State::step).toList();
      List<Double> memberTemperatures = Arrays.asList(members.temperatures());
      fusedFit = FusedCalibration.stored(run, request.checkpoint(), steps, memberTemperatures, log).orElse(null);
      if (fusedFit == null) {
        FusionValidation.Outputs outputs = validationOutputs(run, members.count(), combined, divisors, log);
        fusedFit = FusedCalibration.fit(run, request.checkpoint(), steps, memberTemperatures, outputs, log);
        scores = outputs.scores();
      }
    }
    if (scores == null && (request.fusion() == null || request.scoreRules())) {
      scores = scores(run, members.count(), combined, divisors, request.fusion() != null, log);
    }
    if (scores != null) {
      log.println("fusion rules on the validation images: " + scores.describe());
    }
    return new Validation(scores, fusedFit);
  }

  /** The given rule, else the best on validation, else the plain mean when validation is too small to choose. */
  private static Choice choose(ExportRequest request, FusionValidation.Scores scores, PrintStream log) {
    Choice choice;
    if (request.fusion() != null) {
      choice = new Choice(request.fusion(), "chosen by the user");
    } else if (scores.images() < FusionValidation.Scores.FEW_IMAGES) {
      choice = new Choice(FusionRule.UNIFORM, "the plain mean: " + scores.images() + " validation images, fewer than "
          + FusionValidation.Scores.FEW_IMAGES + ", are too few to choose a rule by");
      log.println("warning: " + request.run() + ": " + choice.chosenBy());
    } else {
      choice = new Choice(scores.best(), "highest validation Jaccard");
    }
    log.println("serving_default = " + choice.rule().signature() + " (" + choice.chosenBy() + ")");
    return choice;
  }

  /** The fused SavedModel: a signature per rule, {@code serving_default} and the encoded-image signature. */
  private static void writeFused(String name, RunConfig config, Normalization normalization, Members members,
      Path combined, Validation validation, Choice choice, Path folder) throws IOException {
    FusedCalibration.Temperatures fusedFit = validation.fusedFit();
    try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
      Ops tf = Ops.create(graph);
      ServingGraph.EnsembleEndpoints endpoints = ServingGraph.ensemble(tf, config.spec(), normalization.mean(),
          normalization.std(), members.divisors(), fusedFit == null ? Map.of() : fusedFit.byRule());
      session.restore(combined.toString());
      List<Signature> signatures = new ArrayList<>();
      signatures.add(signature(ModelExporter.DEFAULT_SIGNATURE, endpoints, choice.rule()));
      for (FusionRule rule : FusionRule.values()) {
        signatures.add(signature(rule.signature(), endpoints, rule));
      }
      ServingGraph.FusedOutputs served = endpoints.outputs().get(choice.rule());
      signatures.add(maps(ModelExporter.encoded(Signature.builder().key(ModelExporter.BYTES_SIGNATURE),
          endpoints.input(), ServingGraph.pngs(tf, served.probability(), served.mask())), served).build());
      ModelExporter.save(session, folder, signatures);
      Warmup.write(folder, name, signatures.stream().map(Signature::key).toList());
    }
  }

  /** Validation scores and fused probabilities per rule, for the ensemble's temperatures. */
  private static FusionValidation.Outputs validationOutputs(Path run, int members, Path combined,
      double[] temperatures, PrintStream log) throws IOException {
    try {
      return FusionValidation.outputs(run, members, combined, temperatures, log);
    } catch (IOException | DatasetException | UncheckedIOException e) {
      throw new IOException(run + ": cannot fit the ensemble's temperatures on the run's validation images ("
          + e.getMessage() + "); make the training data readable again, or export without calibration", e);
    }
  }

  /** Validation scores per rule; when the rule is given, unreadable data only means no scores. */
  private static FusionValidation.Scores scores(Path run, int members, Path combined, double[] temperatures,
      boolean ruleGiven, PrintStream log) throws IOException {
    try {
      return FusionValidation.score(run, members, combined, temperatures, log);
    } catch (IOException | DatasetException | UncheckedIOException e) {
      if (!ruleGiven) {
        throw new IOException("cannot score the fusion rules on the run's validation images (" + e.getMessage()
            + "); make the training data readable again, or choose the default rule explicitly", e);
      }
      log.println("fusion rules not scored: " + e.getMessage());
      return null;
    }
  }

  private static Signature signature(String key, ServingGraph.EnsembleEndpoints endpoints, FusionRule rule) {
    return maps(Signature.builder().key(key).methodName(ModelExporter.PREDICT).input(ServingGraph.IMAGE,
        endpoints.image()), endpoints.outputs().get(rule)).build();
  }

  private static Signature.Builder maps(Signature.Builder builder, ServingGraph.FusedOutputs out) {
    return builder.output("probability", out.probability()).output("mask", out.mask())
        .output("aleatoric", out.aleatoric()).output("epistemic", out.epistemic())
        .output("member_probabilities", out.memberProbabilities());
  }

  private static ModelCard card(ExportRequest request, RunConfig config, Normalization normalization,
      Members members, Validation validation, Choice choice) {
    String name = request.name();
    List<String> signatures = new ArrayList<>(List.of(ModelExporter.DEFAULT_SIGNATURE));
    List<ModelCard.Member> cards = new ArrayList<>();
    for (int i = 1; i <= members.count(); i++) {
      Checkpoints.State state = members.states().get(i - 1);
      cards.add(new ModelCard.Member(i, memberModel(name, i), request.checkpoint(), state.step(),
          state.validationJaccard(), members.temperatures()[i - 1]));
    }
    for (FusionRule rule : FusionRule.values()) {
      signatures.add(rule.signature());
    }
    signatures.add(ModelExporter.BYTES_SIGNATURE);
    FusionValidation.Scores scores = validation.scores();
    FusedCalibration.Temperatures fusedFit = validation.fusedFit();
    ModelCard.Ensemble ensemble = new ModelCard.Ensemble(choice.rule().signature(), choice.chosenBy(), signatures,
        scores == null ? null : byName(scores.jaccard()), scores == null ? null : byName(scores.referenceJaccard()),
        cards, fusedFit == null ? null : byName(fusedFit.byRule()), fusedFit == null ? null : fusedFit.targets());
    return new ModelCard(name, request.version(), "D-LEMA ensemble of " + members.count() + " members",
        ModelExporter.DEFAULT_SIGNATURE, ModelExporter.PREDICT, ModelCard.singleModelInputs(),
        ModelCard.ensembleOutputs(members.count(), members.temperatures()[0] != null),
        ModelExporter.normalisation(normalization), null, config.spec(),
        ModelExporter.training(request.run(), config, request.checkpoint(), null), RunConfig.Versions.current(),
        Instant.now().toString(), ensemble);
  }

  private static Map<String, Double> byName(Map<FusionRule, Double> scores) {
    Map<String, Double> named = new LinkedHashMap<>();
    new EnumMap<>(scores).forEach((rule, value) -> named.put(rule.signature(),
        value == null || value.isNaN() ? null : value));
    return named;
  }
}
