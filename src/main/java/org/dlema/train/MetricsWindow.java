package org.dlema.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** Means of the loss, the learning rate and a method's figures over the steps since the window was last drained. */
final class MetricsWindow {
  private double loss;
  private double rate;
  private int steps;
  private final Map<String, Double> figures = new LinkedHashMap<>();

  void add(TrainingMethod.StepResult result, double learningRate) {
    loss += result.loss();
    rate += learningRate;
    steps++;
    result.figures().forEach((k, v) -> figures.merge(k, v, Double::sum));
  }

  double meanLoss() {
    return loss / steps;
  }

  /** The means ("loss", "learning_rate", then the figures), and an empty window. */
  Map<String, Double> drain() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("loss", loss / steps);
    values.put("learning_rate", rate / steps);
    figures.forEach((k, v) -> values.put(k, v / steps));
    reset();
    return values;
  }

  void reset() {
    loss = 0;
    rate = 0;
    steps = 0;
    figures.clear();
  }
}
