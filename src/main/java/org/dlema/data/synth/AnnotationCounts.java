package org.dlema.data.synth;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How many annotations each image gets, as relative frequencies per count. Allocation is by largest remainder, so a
 * dataset of any size shows the distribution's proportions (rather than a noisy sample of them).
 */
public record AnnotationCounts(SortedMap<Integer, Double> weights) {
  /** The paper's ISIC training set: 2094 images with two annotations, 100 with three, 36 with four, 3 with five. */
  public static final AnnotationCounts ISIC = parse("2:2094,3:100,4:36,5:3");

  public AnnotationCounts {
    checkArgument(!weights.isEmpty(), "no annotation count given");
    for (Map.Entry<Integer, Double> e : weights.entrySet()) {
      checkArgument(e.getKey() >= 1, "annotation counts start at 1, got %s", e.getKey());
      checkArgument(e.getValue() >= 0, "negative weight for count %s", e.getKey());
    }
    checkArgument(weights.values().stream().mapToDouble(Double::doubleValue).sum() > 0, "all weights are zero");
    weights = Collections.unmodifiableSortedMap(new TreeMap<>(weights));
  }

  /** Parses {@code count:weight,...}, e.g. {@code 2:2094,3:100,4:36,5:3}. */
  public static AnnotationCounts parse(String text) {
    SortedMap<Integer, Double> weights = new TreeMap<>();
    for (String part : text.split(",")) {
      String[] kv = part.strip().split(":");
      checkArgument(kv.length == 2, "expected count:weight, got '%s'", part);
      try {
        weights.put(Integer.parseInt(kv[0].strip()), Double.parseDouble(kv[1].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected count:weight with numbers, got '" + part + "'", e);
      }
    }
    return new AnnotationCounts(weights);
  }

  public int max() {
    return weights.lastKey();
  }

  /** One count per image, in proportion to the weights, in a seeded random order. */
  public int[] allocate(int images, long seed) {
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    List<Integer> counts = new ArrayList<>(weights.keySet());
    int[] quota = new int[counts.size()];
    double[] remainder = new double[counts.size()];
    int assigned = 0;
    for (int i = 0; i < counts.size(); i++) {
      double exact = images * weights.get(counts.get(i)) / total;
      quota[i] = (int) Math.floor(exact);
      remainder[i] = exact - quota[i];
      assigned += quota[i];
    }
    while (assigned < images) {
      int best = 0;
      for (int i = 1; i < remainder.length; i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      quota[best]++;
      remainder[best] = -1;
      assigned++;
    }
    List<Integer> perImage = new ArrayList<>(images);
    for (int i = 0; i < counts.size(); i++) {
      perImage.addAll(Collections.nCopies(quota[i], counts.get(i)));
    }
    Collections.shuffle(perImage, new Random(seed));
    return perImage.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    weights.forEach((k, v) -> text.append(text.length() == 0 ? "" : ",").append(k).append(':')
        .append(v == Math.rint(v) ? String.valueOf(v.longValue()) : String.valueOf(v)));
    return text.toString();
  }
}
