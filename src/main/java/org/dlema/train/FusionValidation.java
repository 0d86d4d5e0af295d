package org.dlema.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlema.graph.Ensemble;
import org.dlema.graph.Fusion;
import org.dlema.graph.FusionRule;
import org.dlema.graph.LinkNet;
import org.dlema.graph.SessionThreads;
import org.dlema.graph.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Scores every fusion rule of an ensemble run on its validation images, against the same targets its members were
 * selected on (one annotation per image, drawn with the run's seed), so that the export can serve the best rule by
 * default.
 */
public final class FusionValidation {
  /** Mean validation Jaccard per rule, against the drawn annotations and, when present, the reference masks. */
  public record Scores(Map<FusionRule, Double> jaccard, Map<FusionRule, Double> referenceJaccard, int images) {
    /**
     * Fewer validation images than this choose no rule: the export serves the plain mean ({@code uniform}), since a
     * rule picked on a handful of images is picked by chance.
     */
    public static final int FEW_IMAGES = 20;

    /** The rule with the highest Jaccard; the first in declaration order on ties. */
    public FusionRule best() {
      FusionRule best = FusionRule.UNIFORM;
      for (FusionRule rule : FusionRule.values()) {
        if (jaccard.get(rule) > jaccard.get(best)) {
          best = rule;
        }
      }
      return best;
    }

    /** Each rule's score in one line, e.g. "uniform 61.20%, ...", with the reference's when present. */
    public String describe() {
      StringBuilder line = new StringBuilder();
      for (FusionRule rule : FusionRule.values()) {
        line.append(line.isEmpty() ? "" : ", ").append(rule.signature()).append(String.format(Locale.ROOT,
            " %.2f%%", 100 * jaccard.get(rule)));
        Double reference = referenceJaccard == null ? null : referenceJaccard.get(rule);
        if (reference != null && !reference.isNaN()) {
          line.append(String.format(Locale.ROOT, " (%.2f%% against the reference masks)", 100 * reference));
        }
      }
      return line.toString();
    }
  }

  /**
   * The scores and what they were computed from: the validation images and, per rule, the fused probability of
   * every validation pixel (image by image, [count * side * side]), for fitting the ensemble's temperatures.
   */
  public record Outputs(Scores scores, PreparedSet set, Map<FusionRule, float[]> probabilities) {}

  private FusionValidation() {}

  /**
   * Each rule's mean validation Jaccard, with each member's logit divided by its temperature (what the export
   * serves; {@link Fusion#ones} for none), progress on {@code log}.
   *
   * @param run the ensemble run folder (its data must be readable and unchanged)
   * @param checkpoint a combined checkpoint from {@link EnsembleCheckpoint} (member variables prefixed as in
   *     {@link Ensemble})
   */
  public static Scores score(Path run, int members, Path checkpoint, double[] temperatures, PrintStream log)
      throws IOException {
    return validate(run, members, checkpoint, temperatures, false, log).scores();
  }

  /** {@link #score} that also keeps the fused probabilities it scored. */
  public static Outputs outputs(Path run, int members, Path checkpoint, double[] temperatures, PrintStream log)
      throws IOException {
    return validate(run, members, checkpoint, temperatures, true, log);
  }

  private static Outputs validate(Path run, int members, Path checkpoint, double[] temperatures, boolean keep,
      PrintStream log) throws IOException {
    RunConfig config = RunConfig.read(run);
    PreparedSet set = TrainingRun.validationImages(run, log);
    if (set.count() == 0) {
      throw new IOException(run + ": the run has no validation images to choose a fusion rule on");
    }
    int side = config.spec().inputSize();
    Validation targets = new Validation(set, config.settings().seed());
    Map<FusionRule, Double> jaccard = new EnumMap<>(FusionRule.class);
    Map<FusionRule, Double> reference = new EnumMap<>(FusionRule.class);
    Map<FusionRule, float[]> kept = new EnumMap<>(FusionRule.class);
    int pixels = side * side;
    try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> images = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, side, side, 3)));
      Ensemble ensemble = Ensemble.build(tf, config.spec(), images, LinkNet.batchSize(tf, images), temperatures);
      session.restore(checkpoint.toString());
      FusionRule[] rules = FusionRule.values();
      List<Operand<TFloat32>> probabilities = new ArrayList<>();
      for (FusionRule rule : rules) {
        probabilities.add(ensemble.fusion().fuse(rule).probability());
        if (keep) {
          kept.put(rule, new float[set.count() * pixels]);
        }
      }
      int[] done = {0};
      Validation.Score[] scores = targets.score(rules.length, (batch, n) -> {
        try (TFloat32 input = Tensors.of(batch, Shape.of(n, side, side, 3))) {
          Session.Runner runner = session.runner().feed(images, input);
          probabilities.forEach(runner::fetch);
          try (Result result = runner.run()) {
            float[][] out = new float[rules.length][];
            for (int r = 0; r < rules.length; r++) {
              out[r] = Tensors.toArray((TFloat32) result.get(r));
              if (keep) {
                System.arraycopy(out[r], 0, kept.get(rules[r]), done[0] * pixels, n * pixels);
              }
            }
            done[0] += n;
            return out;
          }
        }
      });
      for (int r = 0; r < rules.length; r++) {
        jaccard.put(rules[r], scores[r].jaccard());
        reference.put(rules[r], scores[r].referenceJaccard());
      }
    }
    return new Outputs(new Scores(jaccard, reference, set.count()), set, kept);
  }
}
