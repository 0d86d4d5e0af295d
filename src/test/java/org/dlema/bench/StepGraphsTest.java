package org.dlema.bench;

import static com.google.common.truth.Truth.assertThat;

import java.util.Arrays;
import org.dlema.graph.NetworkSpec;
import org.dlema.testing.TinyRun;
import org.dlema.train.MemberGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class StepGraphsTest {
  /** What both step timings run must be real work: a timed step that changes nothing would look fast. */
  @Test
  void buildsAreTimedThePlainStepTrainsAndTheMetaStepLearnsWeights() {
    NetworkSpec spec = TinyRun.spec();
    int side = spec.inputSize();
    try (StepGraphs graphs = StepGraphs.build(spec, 2, 3)) {
      assertThat(graphs.plainBuildSeconds()).isGreaterThan(0.0);
      assertThat(graphs.metaBuildSeconds()).isGreaterThan(0.0);

      float[] before = graphs.predict();
      assertThat(before).hasLength(2 * side * side);
      graphs.plainStep(0);
      float[] after = graphs.predict();
      assertThat(Arrays.equals(before, after)).isFalse();

      // The meta step learns eq. 1's weights for every pixel of the noisy batch, normalised to sum to one.
      MemberGraph.Step meta = graphs.metaStep(0);
      assertThat(meta.weights()).hasLength(2 * side * side);
      double sum = 0;
      for (float w : meta.weights()) {
        assertThat(w).isAtLeast(0f);
        sum += w;
      }
      assertThat(meta.allZero()).isFalse();
      assertThat(sum).isWithin(1e-4).of(1.0);
      assertThat(Float.isFinite(meta.loss())).isTrue();
    }
  }
}
