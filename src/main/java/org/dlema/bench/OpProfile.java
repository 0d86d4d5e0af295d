package org.dlema.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/**
 * Where the time of a step goes: every op's own run time (its start to its end in TensorFlow's trace) summed per op
 * type over the traced steps. Ops run in parallel, so the total exceeds the steps' wall time; the shares say which
 * kernels the cores spend their time in.
 *
 * @param steps traced steps
 * @param opMsPerStep the ops' summed run time per step
 * @param ops the op types, most expensive first (at most the requested count; the rest as one "other" entry)
 */
public record OpProfile(int steps, double opMsPerStep, List<OpTime> ops) {
  /** One op type: its ops per step, their run time per step and their share of all ops' time. */
  public record OpTime(String type, int count, double msPerStep, double share) {}

  /**
   * Sums the traces; {@code typeOf} names a node's op type (null for nodes outside the graph, such as feeds).
   * Only the device's own kernels are counted (the "_SOURCE" pseudo-node and unknown nodes are left out).
   */
  static OpProfile of(List<RunMetadata> traces, UnaryOperator<String> typeOf, int top) {
    Map<String, double[]> byType = new HashMap<>();
    for (RunMetadata trace : traces) {
      for (DeviceStepStats device : trace.getStepStats().getDevStatsList()) {
        for (NodeExecStats node : device.getNodeStatsList()) {
          String type = typeOf.apply(node.getNodeName());
          if (type == null) {
            continue;
          }
          long micros = node.getOpEndRelMicros() - node.getOpStartRelMicros();
          double[] sum = byType.computeIfAbsent(type, t -> new double[2]);
          sum[0] += micros;
          sum[1] += 1;
        }
      }
    }
    int n = Math.max(1, traces.size());
    double total = byType.values().stream().mapToDouble(v -> v[0]).sum();
    List<OpTime> all = new ArrayList<>();
    byType.forEach((type, v) -> all.add(new OpTime(type, (int) Math.round(v[1] / n), v[0] / n / 1000,
        total > 0 ? v[0] / total : 0)));
    all.sort(Comparator.comparingDouble(OpTime::msPerStep).reversed().thenComparing(OpTime::type));
    List<OpTime> shown = new ArrayList<>(all.subList(0, Math.min(top, all.size())));
    if (all.size() > top) {
      List<OpTime> rest = all.subList(top, all.size());
      shown.add(new OpTime("other (" + rest.size() + " types)", rest.stream().mapToInt(OpTime::count).sum(),
          rest.stream().mapToDouble(OpTime::msPerStep).sum(), rest.stream().mapToDouble(OpTime::share).sum()));
    }
    return new OpProfile(traces.size(), total / n / 1000, List.copyOf(shown));
  }
}
