package org.dlema.export;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlema.eval.Evaluator;

/** Several served models as one evaluation predictor: every model's probability maps, rows labelled by model. */
public final class ServedPredictor {
  private ServedPredictor() {}

  public static Evaluator.Predictor of(Map<String, ServedModel> models) {
    return image -> {
      Map<String, float[]> all = new LinkedHashMap<>();
      models.forEach((label, model) -> all.putAll(model.probabilities(image, label)));
      return all;
    };
  }
}
