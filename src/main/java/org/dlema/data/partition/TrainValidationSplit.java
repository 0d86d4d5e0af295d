package org.dlema.data.partition;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.io.JsonFiles;

/**
 * The seeded image-level split into training and validation images (paper 3.1: 80% / 20%). Whole images are split,
 * never annotations, so no validation image is seen in training through another annotator's mask.
 */
public record TrainValidationSplit(long seed, double validationFraction, List<String> train,
    List<String> validation) {
  public static final double DEFAULT_VALIDATION_FRACTION = 0.2;

  public TrainValidationSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }

  public static TrainValidationSplit create(MultiAnnotatedDataset dataset, double validationFraction, long seed) {
    checkArgument(validationFraction >= 0 && validationFraction < 1, "validation fraction must be in [0, 1), got %s",
        validationFraction);
    List<String> ids = new ArrayList<>(dataset.images().stream().map(AnnotatedImage::id).sorted().toList());
    Collections.shuffle(ids, new Random(seed));
    int validationCount = (int) Math.round(ids.size() * validationFraction);
    if (validationFraction > 0 && ids.size() >= 2) {
      validationCount = Math.max(1, Math.min(ids.size() - 1, validationCount));
    }
    List<String> validation = new ArrayList<>(ids.subList(0, validationCount));
    List<String> train = new ArrayList<>(ids.subList(validationCount, ids.size()));
    Collections.sort(validation);
    Collections.sort(train);
    return new TrainValidationSplit(seed, validationFraction, train, validation);
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
