package org.dlema.data.partition;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.synth.AnnotationCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonContradictoryPartitionTest {
  @TempDir Path dir;

  /** The structure of the simulated ISIC set: 2000 images with the paper's annotation-count distribution. */
  private static MultiAnnotatedDataset simulatedIsic() {
    int[] counts = AnnotationCounts.ISIC.allocate(2000, 1);
    List<AnnotatedImage> images = new ArrayList<>();
    for (int n = 0; n < counts.length; n++) {
      String id = String.format("ISIC_%07d", n);
      List<Annotation> annotations = new ArrayList<>();
      for (int k = 0; k < counts[n]; k++) {
        annotations.add(Annotation.of(Path.of("masks", id + "_" + k + ".png")));
      }
      images.add(new AnnotatedImage(id, Path.of("images", id + ".jpg"), annotations));
    }
    return new MultiAnnotatedDataset(Path.of("sim"), images);
  }

  private static void assertValidPartition(NonContradictoryPartition partition, MultiAnnotatedDataset dataset) {
    Set<String> seen = new HashSet<>();
    for (int s = 0; s < partition.subsetCount(); s++) {
      Set<String> imagesInSubset = new HashSet<>();
      for (NonContradictoryPartition.AnnotationRef ref : partition.subset(s)) {
        assertThat(imagesInSubset.add(ref.imageId())).isTrue(); // at most one annotation per image
        assertThat(seen.add(ref.imageId() + "#" + ref.annotation())).isTrue(); // in one subset only
      }
    }
    assertThat(seen).hasSize(dataset.annotationCount()); // every annotation used
  }

  @Test
  void uniformRuleUsesEveryAnnotationOnceAndBalancesSubsets() {
    MultiAnnotatedDataset dataset = simulatedIsic();
    NonContradictoryPartition partition = NonContradictoryPartition.create(dataset, 5, PartitionRule.UNIFORM, 7);
    assertValidPartition(partition, dataset);
    int[] sizes = partition.subsetSizes();
    int min = Arrays.stream(sizes).min().orElseThrow();
    int max = Arrays.stream(sizes).max().orElseThrow();
    assertThat((double) (max - min) / max).isLessThan(0.10);
  }

  @Test
  void prefixRuleFillsTheFirstSubsets() {
    MultiAnnotatedDataset dataset = simulatedIsic();
    NonContradictoryPartition partition = NonContradictoryPartition.create(dataset, 5, PartitionRule.PREFIX, 7);
    assertValidPartition(partition, dataset);
    for (AnnotatedImage image : dataset.images()) {
      Set<Integer> subsets = new HashSet<>();
      for (int k = 0; k < image.annotationCount(); k++) {
        subsets.add(partition.subsetOf(image.id(), k));
      }
      // The paper's formula: M_n annotations go to C^1..C^{M_n}.
      assertThat(subsets).hasSize(image.annotationCount());
      assertThat(subsets.stream().mapToInt(Integer::intValue).max().orElseThrow())
          .isEqualTo(image.annotationCount() - 1);
    }
    int[] sizes = partition.subsetSizes();
    assertThat(sizes[0]).isEqualTo(2000);
    assertThat(sizes[1]).isEqualTo(2000);
    assertThat(sizes[4]).isEqualTo(3);
  }

  @Test
  void sameSeedSamePartitionOtherSeedAnother() {
    MultiAnnotatedDataset dataset = simulatedIsic();
    NonContradictoryPartition a = NonContradictoryPartition.create(dataset, 5, PartitionRule.UNIFORM, 3);
    NonContradictoryPartition b = NonContradictoryPartition.create(dataset, 5, PartitionRule.UNIFORM, 3);
    NonContradictoryPartition c = NonContradictoryPartition.create(dataset, 5, PartitionRule.UNIFORM, 4);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void savedPartitionReloadsIdentically() throws Exception {
    MultiAnnotatedDataset dataset = simulatedIsic();
    NonContradictoryPartition partition = NonContradictoryPartition.create(dataset, 6, PartitionRule.UNIFORM, 11);
    Path file = dir.resolve("partition.json");
    partition.save(file, dataset);
    NonContradictoryPartition loaded = NonContradictoryPartition.load(file);
    assertThat(loaded).isEqualTo(partition);
    assertThat(loaded.rule()).isEqualTo(PartitionRule.UNIFORM);
    assertThat(loaded.seed()).isEqualTo(11);
    assertThat(loaded.subsetSizes()).isEqualTo(partition.subsetSizes());
    loaded.checkMatches(dataset);
  }

  @Test
  void tooFewSubsetsIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NonContradictoryPartition.create(simulatedIsic(), 4, PartitionRule.UNIFORM, 1));
    assertThat(e.getMessage()).contains("has 5 annotations but only 4 subsets");
  }
}
