package org.dlema.train;

import com.google.gson.annotations.SerializedName;
import java.util.Locale;

/**
 * Which of a run's checkpoints: {@code latest} (every N steps, what resume starts from), {@code best} (the model
 * selection's choice) or {@code final} (after the last step). Its id names the checkpoint's folder and is how JSON
 * files (model cards, temperature fits) record it.
 */
public enum CheckpointKind {
  @SerializedName("latest") LATEST,
  @SerializedName("best") BEST,
  @SerializedName("final") FINAL;

  /** The folder name and JSON value: latest, best or final. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return id();
  }
}
