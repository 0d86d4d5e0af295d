package org.dlema.data.partition;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.DatasetException;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.io.JsonFiles;

/**
 * The seeded image-level split into training and validation images (paper 3.1: 80% / 20%). Whole images are split,
 * never annotations, so no validation image is seen in training through another annotator's mask. With a group
 * pattern, whole groups are split instead (e.g. every nodule of one patient), so no group is on both sides.
 *
 * @param groupBy a regular expression found in each image id; its first capturing group (or the whole match) names
 *     the image's group; null splits single images
 */
public record TrainValidationSplit(long seed, double validationFraction, String groupBy, List<String> train,
    List<String> validation) {
  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;

  public TrainValidationSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }

  /** A split of single images. */
  public static TrainValidationSplit create(MultiAnnotatedDataset dataset, double validationFraction, long seed) {
    return create(dataset, validationFraction, seed, null);
  }

  /**
   * A split of the groups that {@code groupBy} names (single images when null). Groups are shuffled with the seed
   * and taken into validation while that brings its image count closer to the fraction.
   */
  public static TrainValidationSplit create(MultiAnnotatedDataset dataset, double validationFraction, long seed,
      String groupBy) {
    checkArgument(validationFraction >= 0 && validationFraction < 1, "validation fraction must be in [0, 1), got %s",
        validationFraction);
    if (groupBy == null) {
      List<String> ids = new ArrayList<>(dataset.images().stream().map(AnnotatedImage::id).sorted().toList());
      Collections.shuffle(ids, new Random(seed));
      int validationCount = (int) Math.round(ids.size() * validationFraction);
      if (validationFraction > 0 && ids.size() >= 2) {
        validationCount = Math.max(1, Math.min(ids.size() - 1, validationCount));
      }
      return sorted(seed, validationFraction, null, ids.subList(validationCount, ids.size()),
          ids.subList(0, validationCount));
    }
    Map<String, List<String>> groups = groups(dataset, groupBy);
    List<String> names = new ArrayList<>(groups.keySet());
    Collections.shuffle(names, new Random(seed));
    double target = dataset.size() * validationFraction;
    List<String> validation = new ArrayList<>();
    List<String> train = new ArrayList<>();
    for (String name : names) {
      List<String> members = groups.get(name);
      boolean closer = Math.abs(validation.size() + members.size() - target) < Math.abs(validation.size() - target);
      // The first group always goes to validation when any is asked for, and the last one never leaves training empty.
      boolean first = validationFraction > 0 && validation.isEmpty() && names.size() >= 2;
      (closer || first ? validation : train).addAll(members);
    }
    if (train.isEmpty() && names.size() >= 2) {
      List<String> last = groups.get(names.get(names.size() - 1));
      validation.removeAll(last);
      train.addAll(last);
    }
    return sorted(seed, validationFraction, groupBy, train, validation);
  }

  /** Image ids by group name, in id order; an id the pattern does not find is refused, naming it. */
  static Map<String, List<String>> groups(MultiAnnotatedDataset dataset, String groupBy) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(groupBy);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("group pattern '" + groupBy + "' is not a regular expression: "
          + e.getDescription());
    }
    Map<String, List<String>> groups = new TreeMap<>();
    for (AnnotatedImage image : dataset.images().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList()) {
      Matcher m = pattern.matcher(image.id());
      if (!m.find()) {
        throw new DatasetException(image.image(), "image id '" + image.id() + "' does not contain the group pattern '"
            + groupBy + "'");
      }
      String name = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
      groups.computeIfAbsent(name, k -> new ArrayList<>()).add(image.id());
    }
    return groups;
  }

  private static TrainValidationSplit sorted(long seed, double fraction, String groupBy, List<String> train,
      List<String> validation) {
    List<String> t = new ArrayList<>(train);
    List<String> v = new ArrayList<>(validation);
    Collections.sort(t);
    Collections.sort(v);
    return new TrainValidationSplit(seed, fraction, groupBy, t, v);
  }

  /** The training images as a dataset of their own (the one the partition and normalisation are computed on). */
  public MultiAnnotatedDataset trainingSet(MultiAnnotatedDataset dataset) {
    Set<String> keep = new TreeSet<>(train);
    return new MultiAnnotatedDataset(dataset.source(),
        dataset.images().stream().filter(i -> keep.contains(i.id())).toList());
  }

  public MultiAnnotatedDataset validationSet(MultiAnnotatedDataset dataset) {
    Set<String> keep = new TreeSet<>(validation);
    return new MultiAnnotatedDataset(dataset.source(),
        dataset.images().stream().filter(i -> keep.contains(i.id())).toList());
  }

  public void save(Path file) throws IOException {
    JsonFiles.write(file, this);
  }

  public static TrainValidationSplit load(Path file) throws IOException {
    TrainValidationSplit split = JsonFiles.read(file, TrainValidationSplit.class);
    if (split.train() == null || split.validation() == null) {
      throw new IOException(file + ": not a split file (needs train and validation lists)");
    }
    return split;
  }
}
