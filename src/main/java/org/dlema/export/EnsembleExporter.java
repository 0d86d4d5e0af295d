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
import org.dlema.train.Checkpoints;
import org.dlema.train.EnsembleCheckpoint;
import org.dlema.train.EnsembleRun;
import org.dlema.train.FusionValidation;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingRun;
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

  /**
   * @param fusion the rule for {@code serving_default}, or null to choose the best on the run's validation images
   */
  public static Written export(Path run, String checkpoint, Path root, String name, int version,
      FusionRule fusion, PrintStream log) throws IOException {
    return export(run, checkpoint, root, name, version, fusion, true, log);
  }

  /**
   * @param scoreRules whether to score the rules on validation when {@code fusion} is given (always when it is
   *     not); scratch exports for evaluation skip it
   */
  public static Written export(Path run, String checkpoint, Path root, String name, int version,
      FusionRule fusion, boolean scoreRules, PrintStream log) throws IOException {
    return export(run, checkpoint, root, name, version, fusion, scoreRules, ProbabilityCalibration.TEMPERATURE,
        log);
  }

  /**
   * @param calibration whether each member's probability is temperature-scaled, in its own export and inside the
   *     fused graph (so that fusion combines calibrated members); each member's temperature comes from its folder's
   *     {@code calibration.json}, fitted on the run's validation images first when missing
   */
  public static Written export(Path run, String checkpoint, Path root, String name, int version,
      FusionRule fusion, boolean scoreRules, ProbabilityCalibration calibration, PrintStream log)
      throws IOException {
    RunConfig config = JsonFiles.read(run.resolve(TrainingRun.CONFIG), RunConfig.class);
    if (!config.isEnsemble()) {
      throw new IOException(run + ": not an ensemble run");
    }
    int members = config.ensemble().members();
    List<Path> memberRuns = new ArrayList<>();
    List<Checkpoints.State> states = new ArrayList<>();
    List<AtomicDirectory> staged = new ArrayList<>();
    for (int i = 1; i <= members; i++) {
      Path member = EnsembleRun.member(run, i);
      memberRuns.add(member);
      states.add(ModelExporter.state(member, checkpoint));
    }
    Path work = Files.createTempDirectory("dlema-ensemble-");
    try {
      for (int i = 1; i <= members; i++) {
        staged.add(AtomicDirectory.create(ModelExporter.versionFolder(root, memberModel(name, i), version)));
      }
      AtomicDirectory fused = AtomicDirectory.create(ModelExporter.versionFolder(root, name, version));
      staged.add(fused);
      Double[] temperatures = new Double[members];
      if (calibration != ProbabilityCalibration.NONE) {
        List<Calibrations.Temperature> fitted = Calibrations.ensure(memberRuns, checkpoint, log);
        for (int i = 0; i < members; i++) {
          temperatures[i] = fitted.get(i).temperature();
        }
      }
      for (int i = 1; i <= members; i++) {
        log.println("member " + i + " of " + members + ": " + memberModel(name, i) + "/" + version);
        ModelExporter.write(memberRuns.get(i - 1), checkpoint, staged.get(i - 1).path(), memberModel(name, i),
            version, temperatures[i - 1]);
      }
      Normalization normalization = Normalization.load(run.resolve(TrainingRun.NORMALIZATION));
      double[] divisors = new double[members];
      for (int i = 0; i < members; i++) {
        divisors[i] = temperatures[i] == null ? 1 : temperatures[i];
      }
      Path combined = work.resolve("ensemble");
      List<Path> prefixes = new ArrayList<>();
      for (Path member : memberRuns) {
        prefixes.add(Checkpoints.variables(new Checkpoints(member.resolve("checkpoints")).folder(checkpoint)));
      }
      try (Graph graph = new Graph()) {
        // Only the members' variable names are needed here; the served graph is built below.
        EnsembleCheckpoint.write(ServingGraph.ensemble(Ops.create(graph), config.spec(), normalization.mean(),
            normalization.std(), divisors).members(), prefixes, combined);
      }
      FusionValidation.Scores scores = null;
      FusedCalibration.Temperatures fusedFit = null;
      if (calibration == ProbabilityCalibration.TEMPERATURE) {
        List<Long> steps = states.stream().map(Checkpoints.State::step).toList();
        List<Double> memberTemperatures = Arrays.asList(temperatures);
        fusedFit = FusedCalibration.stored(run, checkpoint, steps, memberTemperatures, log).orElse(null);
        if (fusedFit == null) {
          FusionValidation.Outputs outputs = validationOutputs(run, members, combined, divisors, log);
          fusedFit = FusedCalibration.fit(run, checkpoint, steps, memberTemperatures, outputs, log);
          scores = outputs.scores();
        }
      }
      if (scores == null && (fusion == null || scoreRules)) {
        scores = scores(run, members, combined, divisors, fusion != null, log);
      }
      if (scores != null) {
        log.println("fusion rules on the validation images: " + scores.describe());
      }
      String chosenBy;
      if (fusion == null && scores.images() < FusionValidation.Scores.FEW_IMAGES) {
        fusion = FusionRule.UNIFORM;
        chosenBy = "the plain mean: " + scores.images() + " validation images, fewer than "
            + FusionValidation.Scores.FEW_IMAGES + ", are too few to choose a rule by";
        log.println("warning: " + run + ": " + chosenBy);
      } else if (fusion == null) {
        fusion = scores.best();
        chosenBy = "highest validation Jaccard";
      } else {
        chosenBy = "chosen by the user";
      }
      log.println("serving_default = " + fusion.signature() + " (" + chosenBy + ")");
      try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
        Ops tf = Ops.create(graph);
        ServingGraph.EnsembleEndpoints endpoints = ServingGraph.ensemble(tf, config.spec(), normalization.mean(),
            normalization.std(), divisors, fusedFit == null ? Map.of() : fusedFit.byRule());
        session.restore(combined.toString());
        List<Signature> signatures = new ArrayList<>();
        signatures.add(signature(ModelExporter.DEFAULT_SIGNATURE, endpoints, fusion));
        for (FusionRule rule : FusionRule.values()) {
          signatures.add(signature(rule.signature(), endpoints, rule));
        }
        ServingGraph.FusedOutputs served = endpoints.outputs().get(fusion);
        signatures.add(maps(ModelExporter.encoded(Signature.builder().key(ModelExporter.BYTES_SIGNATURE),
            endpoints.input(), ServingGraph.pngs(tf, served.probability(), served.mask())), served).build());
        ModelExporter.save(session, fused.path(), signatures);
        Warmup.write(fused.path(), name, signatures.stream().map(Signature::key).toList());
      }
      JsonFiles.write(fused.path().resolve(ModelExporter.CARD),
          card(run, config, checkpoint, name, version, normalization, fusion, chosenBy, scores, states,
              temperatures, fusedFit));
      for (AtomicDirectory dir : staged) {
        dir.commit();
      }
      ServingConfig.write(root);
      List<Path> written = new ArrayList<>();
      for (int i = 1; i <= members; i++) {
        written.add(ModelExporter.versionFolder(root, memberModel(name, i), version));
      }
      return new Written(ModelExporter.versionFolder(root, name, version), written, fusion, scores);
    } finally {
      for (AtomicDirectory dir : staged) {
        dir.close();
      }
      MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
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

  private static ModelCard card(Path run, RunConfig config, String checkpoint, String name, int version,
      Normalization normalization, FusionRule fusion, String chosenBy, FusionValidation.Scores scores,
      List<Checkpoints.State> states, Double[] temperatures, FusedCalibration.Temperatures fusedFit) {
    List<String> signatures = new ArrayList<>(List.of(ModelExporter.DEFAULT_SIGNATURE));
    List<ModelCard.Member> members = new ArrayList<>();
    for (int i = 1; i <= states.size(); i++) {
      Checkpoints.State state = states.get(i - 1);
      members.add(new ModelCard.Member(i, memberModel(name, i), checkpoint, state.step(),
          state.validationJaccard(), temperatures[i - 1]));
    }
    for (FusionRule rule : FusionRule.values()) {
      signatures.add(rule.signature());
    }
    signatures.add(ModelExporter.BYTES_SIGNATURE);
    ModelCard.Ensemble ensemble = new ModelCard.Ensemble(fusion.signature(), chosenBy, signatures,
        scores == null ? null : byName(scores.jaccard()), scores == null ? null : byName(scores.referenceJaccard()),
        members, fusedFit == null ? null : byName(fusedFit.byRule()), fusedFit == null ? null : fusedFit.targets());
    return new ModelCard(name, version, "D-LEMA ensemble of " + states.size() + " members",
        ModelExporter.DEFAULT_SIGNATURE, ModelExporter.PREDICT, ModelCard.singleModelInputs(),
        ModelCard.ensembleOutputs(states.size(), temperatures[0] != null),
        ModelExporter.normalisation(normalization), null, config.spec(),
        ModelExporter.training(run, config, checkpoint, null), RunConfig.Versions.current(),
        Instant.now().toString(), ensemble);
  }

  private static Map<String, Double> byName(Map<FusionRule, Double> scores) {
    Map<String, Double> named = new LinkedHashMap<>();
    new EnumMap<>(scores).forEach((rule, value) -> named.put(rule.signature(),
        value == null || value.isNaN() ? null : value));
    return named;
  }
}
