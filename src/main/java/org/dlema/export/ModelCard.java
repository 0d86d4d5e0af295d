package org.dlema.export;

import java.util.List;
import java.util.Map;
import org.dlema.graph.NetworkSpec;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingSettings;

/**
 * {@code assets.extra/model_card.json}: what a served model is, after the MONAI bundle metadata: inputs and outputs
 * with dtype, shape and meaning, the normalisation baked into the graph, how it was trained and scored, and the
 * versions that made it.
 */
public record ModelCard(String name, int version, String kind, String signature, String methodName,
    List<Tensor> inputs, List<Tensor> outputs, Normalisation normalization, NetworkSpec spec, Training training,
    RunConfig.Versions versions, String exported) {

  /** One input or output tensor. */
  public record Tensor(String name, String dtype, long[] shape, String meaning) {}

  /** Per-channel statistics subtracted and divided inside the graph. */
  public record Normalisation(double[] mean, double[] std, String note) {}

  /** Where the weights come from. */
  public record Training(String run, String method, String checkpoint, long step, Double validationJaccard,
      String dataFingerprint, String dataSource, TrainingSettings settings, Map<String, Object> extra) {}

  static List<Tensor> singleModelInputs() {
    return List.of(new Tensor("image", "float32", new long[] {-1, -1, -1, 3},
        "RGB pixels 0..255 of any height and width; resized and normalised inside the graph"));
  }

  static List<Tensor> singleModelOutputs() {
    return List.of(
        new Tensor("probability", "float32", new long[] {-1, -1, -1, 1},
            "lesion probability per pixel, at the input's size"),
        new Tensor("mask", "float32", new long[] {-1, -1, -1, 1}, "1 where probability >= 0.5, else 0"),
        new Tensor("aleatoric", "float32", new long[] {-1, -1, -1, 1},
            "predicted aleatoric variance sigma^2 of the logit (paper eq. 5), at the input's size"));
  }
}
