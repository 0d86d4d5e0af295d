package org.dlema.data.partition;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.MultiAnnotatedDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainValidationSplitTest {
  @TempDir Path dir;

  private static MultiAnnotatedDataset dataset(int n) {
    List<AnnotatedImage> images = IntStream.range(0, n).mapToObj(i -> new AnnotatedImage("img" + i,
        Path.of("img" + i + ".png"), List.of(Annotation.of(Path.of("img" + i + "_1.png"))))).toList();
    return new MultiAnnotatedDataset(Path.of("d"), images);
  }

  @Test
  void splitIsDisjointCompleteSeededAndTwentyPercent() throws Exception {
    MultiAnnotatedDataset data = dataset(101);
    TrainValidationSplit split = TrainValidationSplit.create(data, 0.2, 5);
    Set<String> all = new HashSet<>(split.train());
    all.addAll(split.validation());
    assertThat(all).hasSize(101);
    assertThat(split.validation()).hasSize(20);
    assertThat(TrainValidationSplit.create(data, 0.2, 5)).isEqualTo(split);
    assertThat(TrainValidationSplit.create(data, 0.2, 6).validation()).isNotEqualTo(split.validation());
    assertThat(split.trainingSet(data).size()).isEqualTo(81);
    split.save(dir.resolve("split.json"));
    assertThat(TrainValidationSplit.load(dir.resolve("split.json"))).isEqualTo(split);
  }
}
