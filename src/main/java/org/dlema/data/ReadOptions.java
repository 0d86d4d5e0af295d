package org.dlema.data;

/**
 * How strictly to read a dataset.
 *
 * @param skipUnannotated images without any mask are skipped and counted instead of being an error
 */
public record ReadOptions(boolean skipUnannotated) {
  public static ReadOptions strict() {
    return new ReadOptions(false);
  }
}
