package org.dlema.data.partition;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Collectors;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.DatasetException;
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

  /** 60 patients with 1 to 5 nodules each (ids like LIDC's L0007_n2), 180 images in all. */
  private static MultiAnnotatedDataset patients() {
    List<AnnotatedImage> images = IntStream.range(0, 60).boxed().flatMap(p -> IntStream.range(0, 1 + p % 5)
        .mapToObj(n -> String.format("L%04d_n%d", p, n))).map(id -> new AnnotatedImage(id, Path.of(id + ".png"),
        List.of(Annotation.of(Path.of(id + "_1.png"))))).toList();
    return new MultiAnnotatedDataset(Path.of("d"), images);
  }

  private static Set<String> patientsOf(List<String> ids) {
    return ids.stream().map(id -> id.substring(0, 5)).collect(Collectors.toSet());
  }

  @Test
  void groupedSplitKeepsEveryPatientOnOneSideSeededNearTheFraction() throws Exception {
    MultiAnnotatedDataset data = patients();
    assertThat(data.size()).isEqualTo(180);
    TrainValidationSplit split = TrainValidationSplit.create(data, 0.2, 5, "^(L\\d+)_");
    Set<String> all = new HashSet<>(split.train());
    all.addAll(split.validation());
    assertThat(all).hasSize(180);
    Set<String> shared = new HashSet<>(patientsOf(split.train()));
    shared.retainAll(patientsOf(split.validation()));
    assertThat(shared).isEmpty();
    // Groups of at most 5 images: the greedy fill lands within half a group of 36.
    assertThat(split.validation().size()).isAtLeast(34);
    assertThat(split.validation().size()).isAtMost(38);
    assertThat(split.groupBy()).isEqualTo("^(L\\d+)_");
    assertThat(TrainValidationSplit.create(data, 0.2, 5, "^(L\\d+)_")).isEqualTo(split);
    assertThat(TrainValidationSplit.create(data, 0.2, 6, "^(L\\d+)_").validation())
        .isNotEqualTo(split.validation());
    split.save(dir.resolve("split.json"));
    assertThat(TrainValidationSplit.load(dir.resolve("split.json"))).isEqualTo(split);
  }

  @Test
  void groupedSplitWithoutCapturingGroupUsesTheWholeMatch() {
    TrainValidationSplit split = TrainValidationSplit.create(patients(), 0.3, 2, "L\\d+");
    Set<String> shared = new HashSet<>(patientsOf(split.train()));
    shared.retainAll(patientsOf(split.validation()));
    assertThat(shared).isEmpty();
    assertThat(split.validation().size()).isAtLeast(52);
    assertThat(split.validation().size()).isAtMost(56);
  }

  @Test
  void anIdWithoutTheGroupIsRefusedByName() {
    DatasetException e = assertThrows(DatasetException.class,
        () -> TrainValidationSplit.create(dataset(4), 0.25, 1, "^(L\\d+)_"));
    assertThat(e).hasMessageThat().contains("img0");
    assertThat(e).hasMessageThat().contains("^(L\\d+)_");
  }

  @Test
  void ungroupedSplitIsTheSameAsBeforeGroupsExisted() {
    // Recorded from the split before --group-by: a run's split must not change under it.
    assertThat(TrainValidationSplit.create(dataset(10), 0.2, 7).validation()).containsExactly("img0", "img1");
  }
}
