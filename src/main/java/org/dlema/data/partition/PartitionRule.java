package org.dlema.data.partition;

import com.google.gson.annotations.SerializedName;
import java.util.Locale;

/** How an image's M_n annotations are spread over the M subsets; serialised as its id. */
public enum PartitionRule {
  /** M_n distinct subsets drawn uniformly from all M, so that subsets end up with similar sizes (the default). */
  @SerializedName("uniform") UNIFORM,
  /** The paper's literal formula: the annotations go, in random order, to C^1..C^{M_n}. */
  @SerializedName("prefix") PREFIX;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PartitionRule parse(String text) {
    for (PartitionRule rule : values()) {
      if (rule.id().equals(text.toLowerCase(Locale.ROOT))) {
        return rule;
      }
    }
    throw new IllegalArgumentException("unknown partition rule '" + text + "' (uniform or prefix)");
  }
}
