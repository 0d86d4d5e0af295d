package org.dlema.bench;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.StepStats;

class OpProfileTest {
  private static NodeExecStats node(String name, long start, long end) {
    return NodeExecStats.newBuilder().setNodeName(name).setOpStartRelMicros(start).setOpEndRelMicros(end).build();
  }

  private static RunMetadata trace(NodeExecStats... nodes) {
    return RunMetadata.newBuilder().setStepStats(StepStats.newBuilder().addDevStats(
        DeviceStepStats.newBuilder().setDevice("/cpu:0").addAllNodeStats(List.of(nodes)))).build();
  }

  @Test
  void sumsRunTimesPerTypeAveragedOverStepsAndFoldsTheTail() {
    Map<String, String> types = Map.of("c1", "Conv2D", "c2", "Conv2D", "m", "MatMul", "r", "Relu", "a", "AddV2");
    List<RunMetadata> traces = List.of(
        trace(node("c1", 0, 3000), node("c2", 10, 1010), node("m", 0, 2000), node("r", 5, 505),
            node("_SOURCE", 0, 9000), node("a", 0, 100)),
        trace(node("c1", 0, 1000), node("c2", 0, 1000), node("m", 0, 2000), node("r", 0, 500),
            node("a", 0, 300)));
    OpProfile p = OpProfile.of(traces, types::get, 2);
    // Per step: Conv2D (3000 + 1000 + 1000 + 1000) / 2 = 3 ms, MatMul 2 ms, Relu 0.5 ms, AddV2 0.2 ms; total 5.7.
    assertThat(p.steps()).isEqualTo(2);
    assertThat(p.opMsPerStep()).isWithin(1e-12).of(5.7);
    assertThat(p.ops()).hasSize(3);
    assertThat(p.ops().get(0)).isEqualTo(new OpProfile.OpTime("Conv2D", 2, 3.0, 3.0 / 5.7));
    assertThat(p.ops().get(1)).isEqualTo(new OpProfile.OpTime("MatMul", 1, 2.0, 2.0 / 5.7));
    OpProfile.OpTime other = p.ops().get(2);
    assertThat(other.type()).isEqualTo("other (2 types)");
    assertThat(other.count()).isEqualTo(2);
    assertThat(other.msPerStep()).isWithin(1e-12).of(0.7);
    assertThat(other.share()).isWithin(1e-12).of(0.7 / 5.7);
  }
}
