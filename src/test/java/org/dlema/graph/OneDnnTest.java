package org.dlema.graph;

import static com.google.common.truth.Truth.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OneDnnTest {
  private static final Set<String> AVX2 = Set.of("fpu", "sse4_2", "avx", "avx2", "fma");
  private static final Set<String> VNNI = Set.of("avx2", "avx512f", "avx512_vnni");

  @Test
  void theVariableDecidesWhenItIsABooleanTensorFlowReads() {
    assertThat(OneDnn.of("1", AVX2).on()).isTrue();
    assertThat(OneDnn.of("TRUE", AVX2).on()).isTrue();
    assertThat(OneDnn.of("0", VNNI).on()).isFalse();
    assertThat(OneDnn.of("False", VNNI).on()).isFalse();
    assertThat(OneDnn.of("1", AVX2).why()).isEqualTo("TF_ENABLE_ONEDNN_OPTS=1");
  }

  @Test
  void unsetOrUnreadableTheProcessorDecides() {
    // TensorFlow 2.18 turns oneDNN on by itself only where the processor has a neural-network unit.
    // TensorFlow lower-cases the value but does not trim it: " 0 " is no setting at all.
    for (String setting : new String[] {null, "", "yes", " 0 "}) {
      OneDnn avx2 = OneDnn.of(setting, AVX2);
      assertThat(avx2.on()).isFalse();
      assertThat(avx2.why()).startsWith("TensorFlow's default on a processor without avx512_vnni");
      OneDnn vnni = OneDnn.of(setting, VNNI);
      assertThat(vnni.on()).isTrue();
      assertThat(vnni.why()).isEqualTo("TensorFlow's default on a processor with avx512_vnni");
    }
    assertThat(OneDnn.of(null, Set.of("amx_tile", "amx_bf16")).why()).endsWith("with amx_tile, amx_bf16");
  }

  @Test
  void warnsOfTheKernelsWhereverTheyRun() {
    assertThat(OneDnn.of("1", AVX2).hint()).contains("TF_ENABLE_ONEDNN_OPTS=0 turns them off");
    assertThat(OneDnn.of(null, VNNI).hint()).contains("(TensorFlow's default on a processor with avx512_vnni)");
    assertThat(OneDnn.of(null, AVX2).hint()).isNull();
    assertThat(OneDnn.of("0", VNNI).hint()).isNull();
  }
}
