package org.dlema.data.partition;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.io.JsonFiles;

/**
 * Paper section 2.2, "non-contradictory subsets selection": the annotations are split into M disjoint subsets
 * C^1..C^M, each holding at most one annotation per image, every annotation in exactly one subset. Member i of the
 * ensemble trusts C^i. Subsets are numbered from 1 in files and messages, as in the paper, and from 0 in code.
 */
public final class NonContradictoryPartition {
  /** One annotation: the image it belongs to and its position in that image's annotation list. */
  public record AnnotationRef(String imageId, int annotation) {}

  private final PartitionRule rule;
  private final long seed;
  private final int subsets;
  /** Per image id (sorted), the subset of each of its annotations. */
  private final Map<String, int[]> assignment;

  private NonContradictoryPartition(PartitionRule rule, long seed, int subsets, Map<String, int[]> assignment) {
    this.rule = rule;
    this.seed = seed;
    this.subsets = subsets;
    this.assignment = assignment;
  }

  public static NonContradictoryPartition create(MultiAnnotatedDataset dataset, int subsets, PartitionRule rule,
      long seed) {
    checkArgument(subsets >= 1, "the number of subsets must be at least 1, got %s", subsets);
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, int[]> assignment = new LinkedHashMap<>();
    List<AnnotatedImage> images = new ArrayList<>(dataset.images());
    images.sort((a, b) -> a.id().compareTo(b.id()));
    for (AnnotatedImage image : images) {
      int count = image.annotationCount();
      if (count > subsets) {
        throw new IllegalArgumentException("image " + image.id() + " has " + count + " annotations but only "
            + subsets + " subsets were asked for: each subset may hold only one annotation per image");
      }
      // A random permutation of the candidate subsets; annotation k goes to the k-th drawn.
      int[] candidates = new int[rule == PartitionRule.UNIFORM ? subsets : count];
      for (int i = 0; i < candidates.length; i++) {
        candidates[i] = i;
      }
      int[] chosen = new int[count];
      for (int k = 0; k < count; k++) {
        int j = k + random.nextInt(candidates.length - k);
        int swap = candidates[k];
        candidates[k] = candidates[j];
        candidates[j] = swap;
        chosen[k] = candidates[k];
      }
      assignment.put(image.id(), chosen);
    }
    return new NonContradictoryPartition(rule, seed, subsets, assignment);
  }

  public PartitionRule rule() {
    return rule;
  }

  public long seed() {
    return seed;
  }

  public int subsetCount() {
    return subsets;
  }

  /** The 0-based subset that holds annotation {@code annotation} of image {@code imageId}. */
  public int subsetOf(String imageId, int annotation) {
    int[] chosen = assignment.get(imageId);
    checkArgument(chosen != null, "image %s is not in the partition", imageId);
    return chosen[annotation];
  }

  /** The annotations in subset {@code index} (0-based), ordered by image id. */
  public List<AnnotationRef> subset(int index) {
    checkArgument(index >= 0 && index < subsets, "subset %s out of range 0..%s", index, subsets - 1);
    List<AnnotationRef> refs = new ArrayList<>();
    assignment.forEach((id, chosen) -> {
      for (int k = 0; k < chosen.length; k++) {
        if (chosen[k] == index) {
          refs.add(new AnnotationRef(id, k));
        }
      }
    });
    return refs;
  }

  public int[] subsetSizes() {
    int[] sizes = new int[subsets];
    for (int[] chosen : assignment.values()) {
      for (int s : chosen) {
        sizes[s]++;
      }
    }
    return sizes;
  }

  /** Fails unless this partition covers exactly the images and annotation counts of {@code dataset}. */
  public void checkMatches(MultiAnnotatedDataset dataset) {
    checkArgument(dataset.size() == assignment.size(), "the partition covers %s images, the dataset has %s",
        assignment.size(), dataset.size());
    for (AnnotatedImage image : dataset.images()) {
      int[] chosen = assignment.get(image.id());
      checkArgument(chosen != null, "image %s is not in the partition", image.id());
      checkArgument(chosen.length == image.annotationCount(),
          "image %s has %s annotations, the partition assigns %s", image.id(), image.annotationCount(),
          chosen.length);
    }
  }

  /** The JSON form: subsets numbered from 1, with the mask files for inspection. */
  private record Stored(String rule, long seed, int subsets, int[] sizes, Map<String, List<Entry>> images) {}

  private record Entry(String mask, int subset) {}

  public void save(Path file, MultiAnnotatedDataset dataset) throws IOException {
    Map<String, List<Entry>> images = new LinkedHashMap<>();
    assignment.forEach((id, chosen) -> {
      AnnotatedImage image = dataset.image(id);
      List<Entry> entries = new ArrayList<>();
      for (int k = 0; k < chosen.length; k++) {
        entries.add(new Entry(image.annotations().get(k).file().getFileName().toString(), chosen[k] + 1));
      }
      images.put(id, entries);
    });
    JsonFiles.write(file, new Stored(rule.id(), seed, subsets, subsetSizes(), images));
  }

  public static NonContradictoryPartition load(Path file) throws IOException {
    Stored stored = JsonFiles.read(file, Stored.class);
    if (stored.images() == null || stored.rule() == null || stored.subsets() < 1) {
      throw new IOException(file + ": not a partition file (needs rule, subsets, images)");
    }
    Map<String, int[]> assignment = new LinkedHashMap<>();
    for (Map.Entry<String, List<Entry>> image : stored.images().entrySet()) {
      int[] chosen = new int[image.getValue().size()];
      for (int k = 0; k < chosen.length; k++) {
        int subset = image.getValue().get(k).subset();
        if (subset < 1 || subset > stored.subsets()) {
          throw new IOException(file + ": image " + image.getKey() + " names subset " + subset + " outside 1.."
              + stored.subsets());
        }
        chosen[k] = subset - 1;
      }
      assignment.put(image.getKey(), chosen);
    }
    PartitionRule rule;
    try {
      rule = PartitionRule.parse(stored.rule());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return new NonContradictoryPartition(rule, stored.seed(), stored.subsets(), assignment);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NonContradictoryPartition p) || p.subsets != subsets || !p.assignment.keySet()
        .equals(assignment.keySet())) {
      return false;
    }
    return assignment.entrySet().stream()
        .allMatch(e -> java.util.Arrays.equals(e.getValue(), p.assignment.get(e.getKey())));
  }

  @Override
  public int hashCode() {
    return assignment.keySet().hashCode() * 31 + subsets;
  }
}
