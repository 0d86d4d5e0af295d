package org.dlema.data.agreement;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import org.dlema.data.BinaryMask;

/**
 * Pixel-level agreement between two annotations of one image. Cohen's kappa is the statistic the paper quotes for
 * ISIC (mean 0.67, section 3.1) and the one "less is more" [30] filters on.
 */
public final class Agreement {
  private Agreement() {}

  /**
   * Cohen's kappa = (p_o - p_e) / (1 - p_e), with p_o the fraction of pixels where the masks agree and p_e the
   * agreement expected by chance from each mask's foreground fraction. Two identical constant masks score 1.
   */
  public static double cohenKappa(BinaryMask a, BinaryMask b) {
    checkSameSize(a, b);
    long n = a.size();
    long both = 0;
    long onlyA = 0;
    long onlyB = 0;
    for (int i = 0; i < n; i++) {
      boolean x = a.get(i);
      boolean y = b.get(i);
      if (x && y) {
        both++;
      } else if (x) {
        onlyA++;
      } else if (y) {
        onlyB++;
      }
    }
    long neither = n - both - onlyA - onlyB;
    double observed = (double) (both + neither) / n;
    double pa = (double) (both + onlyA) / n;
    double pb = (double) (both + onlyB) / n;
    double chance = pa * pb + (1 - pa) * (1 - pb);
    if (chance >= 1.0) {
      return observed == 1.0 ? 1.0 : 0.0;
    }
    return (observed - chance) / (1 - chance);
  }

  /** Intersection over union; two empty masks score 1. */
  public static double jaccard(BinaryMask a, BinaryMask b) {
    checkSameSize(a, b);
    long intersection = 0;
    long union = 0;
    for (int i = 0; i < a.size(); i++) {
      boolean x = a.get(i);
      boolean y = b.get(i);
      if (x && y) {
        intersection++;
      }
      if (x || y) {
        union++;
      }
    }
    return union == 0 ? 1.0 : (double) intersection / union;
  }

  /** Mean kappa over all unordered pairs of an image's masks; NaN when it has fewer than two. */
  public static double meanPairwiseKappa(List<BinaryMask> masks) {
    return meanPairwise(masks, true);
  }

  /** Mean Jaccard over all unordered pairs of an image's masks; NaN when it has fewer than two. */
  public static double meanPairwiseJaccard(List<BinaryMask> masks) {
    return meanPairwise(masks, false);
  }

  private static double meanPairwise(List<BinaryMask> masks, boolean kappa) {
    if (masks.size() < 2) {
      return Double.NaN;
    }
    double sum = 0;
    int pairs = 0;
    for (int i = 0; i < masks.size(); i++) {
      for (int j = i + 1; j < masks.size(); j++) {
        sum += kappa ? cohenKappa(masks.get(i), masks.get(j)) : jaccard(masks.get(i), masks.get(j));
        pairs++;
      }
    }
    return sum / pairs;
  }

  private static void checkSameSize(BinaryMask a, BinaryMask b) {
    checkArgument(a.sameSizeAs(b), "masks differ in size: %sx%s vs %sx%s", a.width(), a.height(), b.width(),
        b.height());
  }
}
