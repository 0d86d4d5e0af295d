package org.dlema.train;

import static com.google.common.base.Preconditions.checkArgument;

import org.dlema.data.partition.PartitionRule;

/**
 * What a D-LEMA ensemble adds to the training settings (paper 2.2 and 3.2).
 *
 * @param members M, one member per non-contradictory subset (0 before the run decides: the largest count)
 * @param cleanBatch images per clean batch from the member's subset (the paper: 64)
 * @param cleanLoss "cross-entropy" (eq. 1, the default) or "aleatoric"
 * @param partitionRule "uniform" (default) or "prefix"
 * @param weightSamples training images whose latest weight maps are kept on disk for figures
 */
public record EnsembleSettings(int members, int cleanBatch, String cleanLoss, String partitionRule,
    int weightSamples) {
  public static final int PAPER_CLEAN_BATCH = 64;

  public EnsembleSettings {
    checkArgument(members >= 0, "the member count must be at least 1 (0: as many as annotations), got %s", members);
    checkArgument(cleanBatch >= 1, "clean batch must be at least 1, got %s", cleanBatch);
    checkArgument(cleanLoss.equals("cross-entropy") || cleanLoss.equals("aleatoric"),
        "clean loss must be cross-entropy or aleatoric, got %s", cleanLoss);
    PartitionRule.parse(partitionRule);
    checkArgument(weightSamples >= 0, "weight samples must be >= 0, got %s", weightSamples);
  }

  MemberGraph.CleanLoss cleanLossKind() {
    return cleanLoss.equals("aleatoric") ? MemberGraph.CleanLoss.ALEATORIC : MemberGraph.CleanLoss.CROSS_ENTROPY;
  }
}
