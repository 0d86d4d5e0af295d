package org.dlema.data.synth;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AnnotationCountsTest {
  private static Map<Integer, Integer> histogram(int[] counts) {
    Map<Integer, Integer> h = new TreeMap<>();
    Arrays.stream(counts).forEach(c -> h.merge(c, 1, Integer::sum));
    return h;
  }

  @Test
  void largestRemainderKeepsTheIsicProportions() {
    // 2000 * (2094, 100, 36, 3) / 2233 = 1875.5, 89.6, 32.2, 2.7 -> floors 1998, the two largest remainders round up.
    assertThat(histogram(AnnotationCounts.ISIC.allocate(2000, 1))).containsExactly(2, 1875, 3, 90, 4, 32, 5, 3);
    assertThat(histogram(AnnotationCounts.ISIC.allocate(2233, 1))).containsExactly(2, 2094, 3, 100, 4, 36, 5, 3);
  }

  @Test
  void orderIsSeeded() {
    assertThat(AnnotationCounts.ISIC.allocate(500, 4)).isEqualTo(AnnotationCounts.ISIC.allocate(500, 4));
    assertThat(AnnotationCounts.ISIC.allocate(500, 4)).isNotEqualTo(AnnotationCounts.ISIC.allocate(500, 5));
  }

  @Test
  void parsesAndRejects() {
    assertThat(AnnotationCounts.parse("1:1, 3:2").toString()).isEqualTo("1:1,3:2");
    assertThat(AnnotationCounts.parse("2:1").max()).isEqualTo(2);
    assertThrows(IllegalArgumentException.class, () -> AnnotationCounts.parse("2"));
    assertThrows(IllegalArgumentException.class, () -> AnnotationCounts.parse("x:1"));
    assertThrows(IllegalArgumentException.class, () -> AnnotationCounts.parse("0:1"));
    assertThrows(IllegalArgumentException.class, () -> AnnotationCounts.parse("2:0"));
  }
}
