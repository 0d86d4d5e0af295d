package org.dlema.train;

import com.google.gson.annotations.SerializedName;
import java.util.Locale;

/** The training methods; each serialises to its id ("baseline", "dlema", ...) in {@code config.json}. */
public enum Method {
  /** Paper Table 1 row A: one annotation drawn at random per image per batch. */
  @SerializedName("baseline") BASELINE,
  /** The D-LEMA ensemble: one member per non-contradictory subset, with learned per-pixel weights. */
  @SerializedName("dlema") DLEMA,
  /** Row J (Ribeiro et al. 2020): the baseline on the images whose annotators agree. */
  @SerializedName("less-is-more") LESS_IS_MORE,
  /** The baseline on each image's STAPLE consensus. */
  @SerializedName("staple") STAPLE,
  /** Table 2: the network with dropout kept at inference, on one member's subset. */
  @SerializedName("mc-dropout") MC_DROPOUT;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the method trains one network (every method but the ensemble). */
  public boolean isSingleNetwork() {
    return this != DLEMA;
  }

  @Override
  public String toString() {
    return id();
  }
}
