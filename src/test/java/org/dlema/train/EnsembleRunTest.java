package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.graph.NetworkSpec;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnsembleRunTest {
  @TempDir Path dir;

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static TrainingSettings settings(int steps) {
    return new TrainingSettings("dlema", 2, 0.01, 0.9, 5e-5, 2, 5, steps, 2, 2, 0.25);
  }

  static final EnsembleSettings ENSEMBLE = new EnsembleSettings(0, 2, "cross-entropy", "uniform", 4);

  static byte[] finalWeights(Path run, int member) throws Exception {
    return Files.readAllBytes(EnsembleRun.member(run, member).resolve("checkpoints/final/model.data-00000-of-00001"));
  }

  @Test
  void aResumedMemberIsBitIdenticalAndMembersDiffer() throws Exception {
    NetworkSpec tiny = TinyRun.spec();
    Path whole = dir.resolve("whole");
    Path halves = dir.resolve("halves");
    EnsembleRun.train(TinyRun.data(), tiny, settings(4), ENSEMBLE, whole, 1, quiet());
    EnsembleRun.train(TinyRun.data(), tiny, settings(2), ENSEMBLE, halves, 1, quiet());
    EnsembleRun.train(TinyRun.data(), tiny, settings(4), ENSEMBLE, halves, 1, quiet());
    assertThat(finalWeights(halves, 1)).isEqualTo(finalWeights(whole, 1));
    // Members have their own seeds: member 2 starts from other weights and sees other batches.
    EnsembleRun.train(TinyRun.data(), tiny, settings(4), ENSEMBLE, whole, 2, quiet());
    assertThat(finalWeights(whole, 2)).isNotEqualTo(finalWeights(whole, 1));
    // The resumed member goes on writing the weight maps of its sampled images (round trip: WeightMapsTest).
    assertThat(WeightMaps.index(EnsembleRun.member(halves, 1)).maps()).isNotEmpty();
  }
}
