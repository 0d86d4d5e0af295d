package org.dlema.train;

import java.nio.file.Path;

/**
 * Where a run keeps its files: the one place that knows a run folder's layout. A single network's run holds
 * {@code config.json}, {@code split.json}, {@code normalization.json} and {@code checkpoints/}; an ensemble's adds
 * {@code partition.json} and one such folder per member under {@code members/<i>}.
 */
public record RunFolder(Path path) {
  public static final String CONFIG = "config.json";
  public static final String SPLIT = "split.json";
  public static final String NORMALIZATION = "normalization.json";
  public static final String PARTITION = "partition.json";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String MEMBERS = "members";
  /** The run's lock, held while its shared files are made or read. */
  public static final String LOCK = ".lock";
  /** A member's claim, held by the process that trains it. */
  public static final String CLAIM = ".claim";

  public static RunFolder of(Path path) {
    return new RunFolder(path);
  }

  public Path config() {
    return path.resolve(CONFIG);
  }

  public Path split() {
    return path.resolve(SPLIT);
  }

  public Path normalization() {
    return path.resolve(NORMALIZATION);
  }

  public Path partition() {
    return path.resolve(PARTITION);
  }

  /** The folder of the checkpoints. */
  public Path checkpointFolder() {
    return path.resolve(CHECKPOINTS);
  }

  public Checkpoints checkpoints() {
    return new Checkpoints(checkpointFolder());
  }

  /** Member {@code i}'s run folder (1-based). */
  public RunFolder member(int i) {
    return new RunFolder(path.resolve(MEMBERS).resolve(Integer.toString(i)));
  }
}
