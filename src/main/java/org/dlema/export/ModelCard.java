package org.dlema.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlema.graph.NetworkSpec;
import org.dlema.train.CheckpointKind;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingSettings;

/**
 * {@code assets.extra/model_card.json}: what a served model is, after the MONAI bundle metadata: inputs and outputs
 * with dtype, shape and meaning, the normalisation and the temperature baked into the graph, how it was trained and
 * scored, and the versions that made it.
 *
 * @param temperature a single network's temperature T (probability = sigmoid(logit / T)), fitted on the run's
 *     validation images; null (absent) when the export is not calibrated and for a fused ensemble, whose members
 *     carry their own
 */
public record ModelCard(String name, int version, String kind, String signature, String methodName,
    List<Tensor> inputs, List<Tensor> outputs, Normalisation normalization, Double temperature, NetworkSpec spec,
    Training training, RunConfig.Versions versions, String exported, Ensemble ensemble) {

  /** One input or output tensor. */
  public record Tensor(String name, String dtype, long[] shape, String meaning) {}

  /** Per-channel statistics subtracted and divided inside the graph. */
  public record Normalisation(double[] mean, double[] std, String note) {}

  /**
   * Where the weights come from.
   *
   * @param run the training run's folder name
   * @param step the checkpoint's step; null for a fused ensemble, whose members list their own
   */
  public record Training(String run, String method, CheckpointKind checkpoint, Long step, Double validationJaccard,
      String dataFingerprint, String dataSource, TrainingSettings settings, Map<String, Object> extra) {}

  /**
   * A fused ensemble's fusion and members (absent for a single network).
   *
   * @param defaultFusion the rule behind {@code serving_default}
   * @param chosenBy how it was chosen: highest validation Jaccard, or given on the command line
   * @param validationJaccard per rule, against one annotation per validation image (null when not scored)
   * @param referenceJaccard per rule, against the reference masks when the data has them
   * @param fusedTemperatures per rule, the ensemble's own temperature on the fused probability (null: not
   *     calibrated; see {@code fusion-calibration.json} in the run)
   * @param calibrationTargets what the temperatures were fitted against on the validation images
   */
  public record Ensemble(String defaultFusion, String chosenBy, List<String> signatures,
      Map<String, Double> validationJaccard, Map<String, Double> referenceJaccard, List<Member> members,
      Map<String, Double> fusedTemperatures, String calibrationTargets) {}

  /**
   * One member of an ensemble and where its own export lives.
   *
   * @param temperature the member's temperature inside the fused graph and its own export (null: not calibrated)
   */
  public record Member(int index, String model, CheckpointKind checkpoint, long step, Double validationJaccard,
      Double temperature) {}

  static List<Tensor> singleModelInputs() {
    return List.of(new Tensor("image", "float32", new long[] {-1, -1, -1, 3},
        "RGB pixels 0..255 of any height and width; resized and normalised inside the graph"),
        new Tensor("image_bytes", "string", new long[] {-1}, "signature image_bytes only: one JPEG, PNG, BMP or GIF "
            + "file as it is on disk (REST: {\"b64\": ...}), decoded to RGB inside the graph; one image per request"));
  }

  /** The outputs only the encoded-image signature has. */
  static List<Tensor> pngOutputs() {
    return List.of(
        new Tensor("mask_png_bytes", "string", new long[] {1}, "signature image_bytes only: the mask as an 8-bit "
            + "grey PNG file (0 or 255) at the input's size"),
        new Tensor("probability_png_bytes", "string", new long[] {1}, "signature image_bytes only: round(255 * "
            + "probability) as an 8-bit grey PNG file at the input's size"));
  }

  /** @param mcPasses the MC-dropout passes; 0 without dropout */
  static List<Tensor> singleModelOutputs(int mcPasses, boolean calibrated) {
    boolean mcDropout = mcPasses > 0;
    List<Tensor> outputs = new ArrayList<>(singleModelOutputs());
    outputs.set(0, new Tensor("probability", "float32", new long[] {-1, -1, -1, 1}, "lesion probability per pixel"
        + (calibrated ? ", sigmoid(logit / temperature)" : "")
        + (mcDropout ? ", the mean over the MC-dropout passes" : "") + ", at the input's size"));
    if (mcDropout) {
      outputs.add(new Tensor("epistemic", "float32", new long[] {-1, -1, -1, 1},
          "variance of the probability across the MC-dropout passes"));
      outputs.add(new Tensor("pass_probabilities", "float32", new long[] {-1, -1, -1, mcPasses},
          "each MC-dropout pass's probability, pass k in channel k-1 (samples of the predictive distribution)"));
    }
    outputs.addAll(pngOutputs());
    return outputs;
  }

  static List<Tensor> singleModelOutputs() {
    return List.of(
        new Tensor("probability", "float32", new long[] {-1, -1, -1, 1},
            "lesion probability per pixel, at the input's size"),
        new Tensor("mask", "float32", new long[] {-1, -1, -1, 1}, "1 where probability >= 0.5, else 0"),
        new Tensor("aleatoric", "float32", new long[] {-1, -1, -1, 1},
            "predicted aleatoric variance sigma^2 of the logit (paper eq. 5), at the input's size"));
  }

  static List<Tensor> ensembleOutputs(int members, boolean calibrated) {
    List<Tensor> outputs = new ArrayList<>(List.of(
        new Tensor("probability", "float32", new long[] {-1, -1, -1, 1},
            "fused lesion probability sum_i alpha_i p_i (paper eq. 4) under the signature's rule"
            + (calibrated ? ", p_i = sigmoid(logit_i / temperature_i), then sigmoid(logit(p) / T) with the rule's "
            + "ensemble temperature T" : "")),
        new Tensor("mask", "float32", new long[] {-1, -1, -1, 1}, "1 where the fused probability >= 0.5, else 0"),
        new Tensor("aleatoric", "float32", new long[] {-1, -1, -1, 1},
            "alpha-weighted aleatoric variance sum_i alpha_i sigma_i^2"),
        new Tensor("epistemic", "float32", new long[] {-1, -1, -1, 1},
            "variance of the members' probabilities around their mean (disagreement between members)"),
        new Tensor("member_probabilities", "float32", new long[] {-1, -1, -1, members},
            "each member's probability, member i in channel i-1")));
    outputs.addAll(pngOutputs());
    return outputs;
  }
}
