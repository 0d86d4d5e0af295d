package org.dlema.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the members' probabilities are weighted in paper eq. 4, p = sum_i alpha_i p_i (section 3.3). Each rule is also
 * the name of the exported signature that applies it.
 */
public enum FusionRule {
  /** alpha_i = 1/M. */
  UNIFORM,
  /** Per pixel, alpha_i proportional to 1/sigma_i^2, the member's predicted aleatoric variance at that pixel. */
  PIXEL_CONFIDENCE,
  /** Per image, alpha_i proportional to 1 / (mean over the image's pixels of sigma_i^2). */
  IMAGE_CONFIDENCE;

  /** The signature name, e.g. {@code pixel_confidence}. */
  public String signature() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Accepts the signature name ({@code pixel_confidence}, also with '-'). */
  public static FusionRule parse(String text) {
    String key = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (FusionRule rule : values()) {
      if (rule.name().equals(key)) {
        return rule;
      }
    }
    throw new IllegalArgumentException("unknown fusion rule '" + text + "'; expected one of "
        + Arrays.stream(values()).map(FusionRule::signature).collect(Collectors.joining(", ")));
  }
}
