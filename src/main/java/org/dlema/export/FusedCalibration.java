package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlema.eval.TemperatureScaling;
import org.dlema.graph.Fusion;
import org.dlema.graph.FusionRule;
import org.dlema.io.JsonFiles;
import org.dlema.train.CheckpointKind;
import org.dlema.train.FusionValidation;
import org.dlema.train.PreparedSet;

/**
 * The ensemble's own temperature per fusion rule ({@link Fusion#recalibrated}), fitted on the run's validation
 * images after every member has its temperature ({@link Calibrations}), against the same targets, and kept in
 * {@code fusion-calibration.json} in the ensemble's run folder.
 *
 * <p>Why a second temperature: members calibrated one by one give, once averaged, a probability that is too soft
 * wherever they disagree (the mean of confident but different answers is near 1/2), so the fused output is
 * under-confident even when every member is calibrated. One scalar per rule on the fused logit corrects that and,
 * like any temperature, leaves the mask at 0.5 unchanged.
 */
public final class FusedCalibration {
  public static final String FILE = "fusion-calibration.json";

  /** One rule's temperature and its effect on the validation pixels (NLL and ECE at T = 1 and at T). */
  public record Rule(double temperature, double validationNllBefore, double validationNllAfter,
      double validationEceBefore, double validationEceAfter) {}

  /**
   * {@code fusion-calibration.json}.
   *
   * @param memberSteps the members' checkpoint steps the fit was made on
   * @param memberTemperatures the members' temperatures inside the fused graph the fit was made on
   * @param rules per rule (by signature name)
   * @param pixels labelled pixels of each rule's fit
   */
  public record Temperatures(CheckpointKind checkpoint, List<Long> memberSteps, List<Double> memberTemperatures,
      Map<String, Rule> rules, long pixels, int images, String targets) {
    /** The temperature per rule, for {@code ServingGraph.ensemble}. */
    public Map<FusionRule, Double> byRule() {
      Map<FusionRule, Double> map = new EnumMap<>(FusionRule.class);
      for (FusionRule rule : FusionRule.values()) {
        Rule fitted = rules.get(rule.signature());
        if (fitted != null) {
          map.put(rule, fitted.temperature());
        }
      }
      return map;
    }
  }

  private FusedCalibration() {}

  /**
   * The stored temperatures when they were fitted on these member checkpoints and temperatures, for every rule,
   * against the targets a fit would use now.
   */
  static Optional<Temperatures> stored(Path run, CheckpointKind checkpoint, List<Long> memberSteps,
      List<Double> memberTemperatures, PrintStream log) {
    Path file = run.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Temperatures stored;
    try {
      stored = JsonFiles.read(file, Temperatures.class);
    } catch (IOException e) {
      log.println(e.getMessage() + "; fitting the ensemble's temperatures again");
      return Optional.empty();
    }
    boolean current = checkpoint.equals(stored.checkpoint()) && memberSteps.equals(stored.memberSteps())
        && memberTemperatures.equals(stored.memberTemperatures()) && stored.rules() != null
        && stored.byRule().size() == FusionRule.values().length
        && stored.byRule().values().stream().allMatch(t -> t > 0 && !t.isInfinite())
        && Calibrations.expectedTargets(run).map(stored.targets()::equals).orElse(true);
    return current ? Optional.of(stored) : Optional.empty();
  }

  /**
   * Fits every rule's temperature on the fused validation probabilities (made with the members' temperatures) and
   * writes {@code fusion-calibration.json} atomically.
   */
  static Temperatures fit(Path run, CheckpointKind checkpoint, List<Long> memberSteps, List<Double> memberTemperatures,
      FusionValidation.Outputs outputs, PrintStream log) throws IOException {
    PreparedSet set = outputs.set();
    int pixels = set.side() * set.side();
    Map<String, Rule> rules = new LinkedHashMap<>();
    long labelled = 0;
    for (FusionRule rule : FusionRule.values()) {
      float[] probability = outputs.probabilities().get(rule);
      List<float[]> blocks = new ArrayList<>();
      List<float[]> labels = new ArrayList<>();
      for (int i = 0; i < set.count(); i++) {
        float[] logit = new float[pixels];
        for (int q = 0; q < pixels; q++) {
          logit[q] = Fusion.logit(probability[i * pixels + q]);
        }
        for (float[] label : Calibrations.labels(set, i)) {
          blocks.add(logit);
          labels.add(label);
        }
      }
      TemperatureScaling.Fit fit = TemperatureScaling.fit(blocks, labels, 1);
      rules.put(rule.signature(), new Rule(fit.temperature(), fit.nllBefore(), fit.nllAfter(), fit.eceBefore(),
          fit.eceAfter()));
      labelled = fit.pixels();
      log.printf("%s: fused %s temperature %.4f (NLL %.4f -> %.4f, ECE %.4f -> %.4f)%n", run, rule.signature(),
          fit.temperature(), fit.nllBefore(), fit.nllAfter(), fit.eceBefore(), fit.eceAfter());
    }
    Temperatures temperatures = new Temperatures(checkpoint, List.copyOf(memberSteps),
        List.copyOf(memberTemperatures), rules, labelled, set.count(), Calibrations.targets(set));
    JsonFiles.write(run.resolve(FILE), temperatures);
    return temperatures;
  }
}
