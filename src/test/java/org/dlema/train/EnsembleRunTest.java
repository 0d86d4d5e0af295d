package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.DatasetReader;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.graph.NetworkSpec;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class EnsembleRunTest {
  @TempDir Path dir;

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static TrainingSettings settings(int steps) {
    return TrainingSettings.builder(Method.DLEMA).learningRate(0.01).momentum(0.9).mcSamples(2).seed(5)
        .steps(steps).interval(2).validationFraction(0.25).build();
  }

  static final EnsembleSettings ENSEMBLE = EnsembleSettings.paper(0, 2).toBuilder().weightSamples(4).build();

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

  /** The tiny images that have exactly two annotations, as a manifest: an ensemble of two members. */
  private Path twoAnnotationData() throws Exception {
    MultiAnnotatedDataset all = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    List<String> rows = new ArrayList<>(List.of("image,mask,annotator"));
    for (AnnotatedImage image : all.images()) {
      if (image.annotationCount() == 2) {
        for (Annotation a : image.annotations()) {
          rows.add(image.image().toAbsolutePath() + "," + a.file().toAbsolutePath() + ",");
        }
      }
    }
    Path manifest = dir.resolve("two.csv");
    Files.write(manifest, rows);
    return manifest;
  }

  @Test
  void membersTrainedSideBySideAreBitIdenticalToMembersTrainedAlone() throws Exception {
    NetworkSpec tiny = TinyRun.spec();
    Path data = twoAnnotationData();
    Path alone = dir.resolve("alone");
    Path together = dir.resolve("together");
    List<Trainer.Outcome> outcomes = EnsembleRun.train(data, tiny, settings(3), ENSEMBLE, together, null, 2,
        quiet());
    assertThat(outcomes).hasSize(2);
    for (int i = 1; i <= 2; i++) {
      EnsembleRun.train(data, tiny, settings(3), ENSEMBLE, alone, i, quiet());
      assertThat(finalWeights(together, i)).isEqualTo(finalWeights(alone, i));
    }
  }
}
