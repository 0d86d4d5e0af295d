package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.DatasetReader;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.agreement.Agreement;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.partition.PartitionRule;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.preprocess.Normalization;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class TrainingTargetsTest {
  @TempDir Path dir;

  static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  static TrainingSettings settings(Method method, int steps) {
    return TrainingSettings.builder(method).learningRate(0.01).momentum(0.9).mcSamples(2).seed(3)
        .steps(steps).interval(2).validationFraction(0.25).build();
  }

  static TrainingTargets.Options options(double minKappa) {
    return new TrainingTargets.Options(minKappa, 1, 1);
  }

  @Test
  void mcDropoutTrainsOnTheSubsetItsMemberTrusts() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    MultiAnnotatedDataset training = TrainValidationSplit.create(data, 0.25, 3).trainingSet(data);
    NonContradictoryPartition partition = NonContradictoryPartition.create(training, 3, PartitionRule.UNIFORM, 3);
    Path run = dir.resolve("mc");
    TrainingRun.start(TinyRun.data(), TinyRun.spec().withDropout(0.3, 5, 3), settings(Method.MC_DROPOUT, 2),
        new TrainingTargets.Options(0.5, 2, 3), run, quiet());
    TrainingTargets.Selection selection = JsonFiles.read(run.resolve(TrainingTargets.FILE),
        TrainingTargets.Selection.class);
    Map<String, Integer> expected = new TreeMap<>();
    for (NonContradictoryPartition.AnnotationRef ref : partition.subset(1)) {
      expected.put(ref.imageId(), ref.annotation());
    }
    assertThat(selection.annotations()).isEqualTo(expected);
    PreparedSet prepared = PreparedSet.of(training, 32, Normalization.of(training, 32, 32, Progress.silent()),
        Progress.silent());
    PreparedSet trusted = TrainingTargets.apply(selection, prepared);
    assertThat(trusted.ids()).containsExactlyElementsIn(expected.keySet());
    for (int i = 0; i < trusted.count(); i++) {
      int original = prepared.ids().indexOf(trusted.ids().get(i));
      assertThat(trusted.masks()[i]).hasLength(1);
      assertThat(trusted.masks()[i][0]).isEqualTo(prepared.masks()[original][expected.get(trusted.ids().get(i))]);
    }
    // The run's config keeps the dropout spec, so export and resume build the same network.
    assertThat(JsonFiles.read(run.resolve("config.json"), RunConfig.class).spec().mcPasses()).isEqualTo(3);
  }

  @Test
  void lessIsMoreLeavesOutTheDisagreeingImagesAndResumesOnTheSameSet() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    MultiAnnotatedDataset training = TrainValidationSplit.create(data, 0.25, 3).trainingSet(data);
    List<Double> kappas = new ArrayList<>();
    for (AnnotatedImage image : training.images()) {
      kappas.add(Agreement.meanPairwiseKappa(LoadedImage.load(image).masks()));
    }
    List<Double> sorted = kappas.stream().filter(k -> !k.isNaN()).sorted().toList();
    double threshold = sorted.get(sorted.size() / 2);

    Path run = dir.resolve("lim");
    TrainingRun.start(TinyRun.data(), TinyRun.spec(), settings(Method.LESS_IS_MORE, 2), options(threshold), run,
        quiet());
    TrainingTargets.Selection selection = JsonFiles.read(run.resolve(TrainingTargets.FILE),
        TrainingTargets.Selection.class);
    assertThat(selection.minKappa()).isEqualTo(threshold);
    for (int i = 0; i < kappas.size(); i++) {
      String id = training.images().get(i).id();
      assertThat(selection.dropped().containsKey(id)).isEqualTo(!kappas.get(i).isNaN() && kappas.get(i) < threshold);
    }
    assertThat(selection.dropped()).isNotEmpty();
    assertThat(selection.kept()).isEqualTo(training.size() - selection.dropped().size());

    // Resume reads the selection back: 2 + 1 steps equal 3 steps in one go.
    TrainingRun.resume(run, 3, quiet());
    Path whole = dir.resolve("lim-whole");
    TrainingRun.start(TinyRun.data(), TinyRun.spec(), settings(Method.LESS_IS_MORE, 3), options(threshold), whole,
        quiet());
    assertThat(Files.readAllBytes(run.resolve("checkpoints/final/model.data-00000-of-00001")))
        .isEqualTo(Files.readAllBytes(whole.resolve("checkpoints/final/model.data-00000-of-00001")));
  }

  @Test
  void stapleTrainsOnOneConsensusPerImageBetweenTheIntersectionAndTheUnion() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    PreparedSet prepared = PreparedSet.of(data, 32, Normalization.of(data, 32, 32, Progress.silent()),
        Progress.silent());
    PreparedSet consensus = TrainingTargets.apply(TrainingTargets.Selection.of(Method.STAPLE, data.size()), prepared);
    assertThat(consensus.count()).isEqualTo(prepared.count());
    for (int i = 0; i < prepared.count(); i++) {
      assertThat(consensus.masks()[i]).hasLength(1);
      float[] c = consensus.masks()[i][0];
      for (int q = 0; q < c.length; q++) {
        boolean all = true;
        boolean any = false;
        for (float[] mask : prepared.masks()[i]) {
          all &= mask[q] >= 0.5f;
          any |= mask[q] >= 0.5f;
        }
        if (all) {
          assertThat(c[q]).isEqualTo(1f);
        }
        if (!any) {
          assertThat(c[q]).isEqualTo(0f);
        }
      }
    }
    Path run = dir.resolve("staple");
    TrainingRun.start(TinyRun.data(), TinyRun.spec(), settings(Method.STAPLE, 2), TrainingTargets.Options.defaults(),
        run, quiet());
    assertThat(JsonFiles.read(run.resolve(TrainingTargets.FILE), TrainingTargets.Selection.class).method())
        .isEqualTo(Method.STAPLE);
  }
}
