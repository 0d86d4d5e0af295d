package org.dlema.data.agreement;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dlema.data.BinaryMask;

/**
 * Dataset-level agreement: mean pairwise kappa and Jaccard per image, averaged over the images that have at least
 * two annotations. Thread-safe accumulation; per-image values are kept (keyed by id) for filtering and reports.
 */
public final class AgreementSummary {
  private final Map<String, Double> kappaByImage = new TreeMap<>();
  private final Map<String, Double> jaccardByImage = new TreeMap<>();

  public synchronized void add(String imageId, List<BinaryMask> masks) {
    if (masks.size() < 2) {
      return;
    }
    kappaByImage.put(imageId, Agreement.meanPairwiseKappa(masks));
    jaccardByImage.put(imageId, Agreement.meanPairwiseJaccard(masks));
  }

  public synchronized int imagesWithPairs() {
    return kappaByImage.size();
  }

  /** Mean over images of the per-image mean pairwise kappa; NaN if no image has two annotations. */
  public synchronized double meanKappa() {
    return mean(kappaByImage);
  }

  public synchronized double meanJaccard() {
    return mean(jaccardByImage);
  }

  /** Standard deviation over images of the per-image mean pairwise kappa. */
  public synchronized double kappaStandardDeviation() {
    double mean = meanKappa();
    double sum = 0;
    for (double k : kappaByImage.values()) {
      sum += (k - mean) * (k - mean);
    }
    return kappaByImage.size() < 2 ? Double.NaN : Math.sqrt(sum / (kappaByImage.size() - 1));
  }

  public synchronized Map<String, Double> kappaByImage() {
    return Map.copyOf(kappaByImage);
  }

  private static double mean(Map<String, Double> values) {
    // Summed in id order so the figure does not depend on thread scheduling.
    return values.isEmpty() ? Double.NaN
        : values.values().stream().mapToDouble(Double::doubleValue).sum() / values.size();
  }
}
