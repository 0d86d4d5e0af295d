package org.dlema.graph;

import com.google.gson.annotations.SerializedName;

/**
 * How the Monte Carlo noise of eq. 5 is drawn for a batch. Either way every image's T samples of a pixel are
 * independent standard normals, so each image's loss, and its gradient, has the same distribution as in the paper.
 * Sharing one set of maps across the batch correlates the images' noise: the batch's mean loss varies more from step
 * to step, and so do D-LEMA's weights, which compare the images' gradients. It draws a batch-th of the numbers.
 */
public enum NoiseDraw {
  /** T noise maps for each image of the batch (the paper's). */
  @SerializedName("per-image") PER_IMAGE,
  /** T noise maps drawn once per step and added to every image of the batch. */
  @SerializedName("shared") SHARED;

  /** The draw in words, for reports and logs: "noise for each image" or "noise shared by the batch". */
  public String describe() {
    return this == SHARED ? "noise shared by the batch" : "noise for each image";
  }

  /** The images that get noise maps of their own in a batch of {@code batch}. */
  int maps(int batch) {
    return this == SHARED ? 1 : batch;
  }
}
