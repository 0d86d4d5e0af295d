package org.dlema.export;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlema.data.RgbImage;
import org.dlema.eval.Evaluator;

/**
 * Several served models as one evaluation predictor: every model's probability maps, rows labelled by model. A
 * fused ensemble's rows take its members' maps as their samples, an MC-dropout network's row its passes' maps
 * (which are samples only, not rows).
 */
public final class ServedPredictor implements Evaluator.Predictor {
  private static final String MEMBER = ServedModel.MEMBER;
  private static final String PASS = ServedModel.PASS;

  private final Map<String, ServedModel> models;

  /** @param models by label, in table order */
  private ServedPredictor(Map<String, ServedModel> models) {
    this.models = models;
  }

  public static Evaluator.Predictor of(Map<String, ServedModel> models) {
    return new ServedPredictor(new LinkedHashMap<>(models));
  }

  @Override
  public Map<String, float[]> predict(RgbImage image) throws IOException {
    Map<String, float[]> all = new LinkedHashMap<>();
    models.forEach((label, model) -> all.putAll(model.probabilities(image, label)));
    return all;
  }

  @Override
  public boolean isRow(String name) {
    return !name.contains(PASS);
  }

  /**
   * A fused row ({@code "<label> <rule>"}) is sampled by its ensemble's member rows, an MC-dropout row by its passes;
   * any other row by itself.
   */
  @Override
  public List<String> samples(String method, Set<String> predictions) {
    if (method.contains(MEMBER)) {
      return List.of(method);
    }
    List<String> passes = predictions.stream().filter(name -> name.startsWith(method + PASS)).toList();
    if (!passes.isEmpty()) {
      return passes;
    }
    for (String label : models.keySet()) {
      if (method.startsWith(label + " ")) {
        List<String> members = predictions.stream().filter(name -> name.startsWith(label + MEMBER)).toList();
        if (!members.isEmpty()) {
          return members;
        }
      }
    }
    return List.of(method);
  }
}
