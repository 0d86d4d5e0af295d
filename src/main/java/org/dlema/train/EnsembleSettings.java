package org.dlema.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.annotations.SerializedName;
import java.nio.file.Path;
import org.dlema.data.partition.PartitionRule;

/**
 * What a D-LEMA ensemble adds to the training settings (paper 2.2 and 3.2). The fields after
 * {@code weightSamples} are variants beyond the paper, used by the ablations; their defaults (and their value when an
 * older {@code config.json} lacks them) are the paper's method.
 *
 * @param members M, one member per non-contradictory subset (0 before the run decides: the largest count)
 * @param cleanBatch images per clean batch from the member's subset (the paper: 64)
 * @param cleanLoss how the clean batch is scored (eq. 1: cross-entropy)
 * @param partitionRule how annotations are spread over the subsets
 * @param weightSamples training images whose latest weight maps are kept on disk for figures
 * @param weighting meta-learned weights (the paper), their sign only, or uniform weights (an ensemble of unweighted
 *     members)
 * @param weightNormalization weights sum to one over the batch (the paper) or over each image
 * @param plainShare share of the unweighted mean loss mixed into the weighted loss (the paper: 0)
 * @param metaWarmup steps trained with uniform weights before the meta-weighting starts (the paper: 0)
 * @param cleanSource where the clean batch comes from: a separate draw from C^i (the paper), or the noisy batch's
 *     own images with their trusted annotations first, filled up by the separate draw
 * @param initialCheckpoint a checkpoint folder (e.g. a trained baseline's {@code checkpoints/best}) the members
 *     start from instead of random weights; null for the paper's random initialisation
 * @param weightRegion where the learned weights apply: every pixel (the paper), or only the pixels where the
 *     image's annotations disagree, every other pixel weighing as in the plain loss
 */
public record EnsembleSettings(int members, int cleanBatch, CleanLoss cleanLoss, PartitionRule partitionRule,
    int weightSamples, Weighting weighting, WeightNormalization weightNormalization, double plainShare,
    int metaWarmup, CleanSource cleanSource, Path initialCheckpoint, WeightRegion weightRegion) {
  public static final int PAPER_CLEAN_BATCH = 64;
  public static final int DEFAULT_WEIGHT_SAMPLES = 16;

  /** What the clean batch is scored with in the meta step. */
  public enum CleanLoss {
    /** Sigmoid cross-entropy of the segmentation logit, as eq. 1 (the default). */
    @SerializedName("cross-entropy") CROSS_ENTROPY,
    /** The aleatoric loss of eq. 5 with its own Monte Carlo noise. */
    @SerializedName("aleatoric") ALEATORIC
  }

  /** Whether the per-pixel weights are learned. */
  public enum Weighting {
    /** Eq. 1-3: weights from the meta-gradient of the clean loss. */
    @SerializedName("meta") META,
    /**
     * The meta-gradient's sign only: every pixel whose up-weighting would lower the clean loss weighs the same, the
     * others zero. Eq. 1's weight grows with the pixel's own gradient, so it also favours the pixels that are hardest
     * to fit; this keeps the selection and drops that emphasis.
     */
    @SerializedName("sign") SIGN,
    /** Every pixel of the noisy batch weighs the same: the members differ only in their seeds. */
    @SerializedName("uniform") UNIFORM
  }

  /** Over what the weights are normalised to sum to one. */
  public enum WeightNormalization {
    @SerializedName("batch") BATCH,
    /** Each image's weights sum to 1/B: an image whose pixels all got small weights still counts fully. */
    @SerializedName("image") IMAGE
  }

  /** Where the clean batch's images come from. */
  public enum CleanSource {
    @SerializedName("separate") SEPARATE,
    /** The noisy batch's images that have a trusted annotation, then the separate draw. */
    @SerializedName("noisy-first") NOISY_FIRST
  }

  /** Which pixels of the noisy batch the learned weights apply to. */
  public enum WeightRegion {
    @SerializedName("all") ALL,
    /**
     * Only the pixels where the image's annotations disagree (some annotator marks lesion, another not) take
     * learned weights, which share the weight those pixels would have in the mean loss; every other pixel weighs
     * 1 / (B H W) as in the plain loss. Where every annotator agrees there is no contradiction to turn down.
     */
    @SerializedName("disputed") DISPUTED
  }

  public EnsembleSettings {
    checkArgument(members >= 0, "the member count must be at least 1 (0: as many as annotations), got %s", members);
    checkArgument(cleanBatch >= 1, "clean batch must be at least 1, got %s", cleanBatch);
    checkArgument(weightSamples >= 0, "weight samples must be >= 0, got %s", weightSamples);
    checkArgument(plainShare >= 0 && plainShare <= 1, "the plain loss share must be in [0, 1], got %s", plainShare);
    checkArgument(metaWarmup >= 0, "meta warm-up steps must be >= 0, got %s", metaWarmup);
    cleanLoss = cleanLoss == null ? CleanLoss.CROSS_ENTROPY : cleanLoss;
    partitionRule = partitionRule == null ? PartitionRule.UNIFORM : partitionRule;
    weighting = weighting == null ? Weighting.META : weighting;
    weightNormalization = weightNormalization == null ? WeightNormalization.BATCH : weightNormalization;
    cleanSource = cleanSource == null ? CleanSource.SEPARATE : cleanSource;
    weightRegion = weightRegion == null ? WeightRegion.ALL : weightRegion;
    checkArgument(weightRegion == WeightRegion.ALL || weightNormalization == WeightNormalization.BATCH,
        "weights on disputed pixels are normalised over the batch, not per image");
  }

  /** The paper's ensemble with M members (0: the largest annotation count) and the given clean batch. */
  public static EnsembleSettings paper(int members, int cleanBatch) {
    return new EnsembleSettings(members, cleanBatch, CleanLoss.CROSS_ENTROPY, PartitionRule.UNIFORM,
        DEFAULT_WEIGHT_SAMPLES, Weighting.META, WeightNormalization.BATCH, 0, 0, CleanSource.SEPARATE, null,
        WeightRegion.ALL);
  }

  /** The same ensemble with M members. */
  public EnsembleSettings withMembers(int m) {
    return toBuilder().members(m).build();
  }

  /** The paper's ensemble, to be changed by name where a run differs. */
  public static Builder builder() {
    return paper(0, PAPER_CLEAN_BATCH).toBuilder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.members = members;
    b.cleanBatch = cleanBatch;
    b.cleanLoss = cleanLoss;
    b.partitionRule = partitionRule;
    b.weightSamples = weightSamples;
    b.weighting = weighting;
    b.weightNormalization = weightNormalization;
    b.plainShare = plainShare;
    b.metaWarmup = metaWarmup;
    b.cleanSource = cleanSource;
    b.initialCheckpoint = initialCheckpoint;
    b.weightRegion = weightRegion;
    return b;
  }

  /** Ensemble settings by name; {@link #build} checks them together. */
  public static final class Builder {
    private int members;
    private int cleanBatch;
    private CleanLoss cleanLoss;
    private PartitionRule partitionRule;
    private int weightSamples;
    private Weighting weighting;
    private WeightNormalization weightNormalization;
    private double plainShare;
    private int metaWarmup;
    private CleanSource cleanSource;
    private Path initialCheckpoint;
    private WeightRegion weightRegion;

    private Builder() {}

    public Builder members(int value) {
      members = value;
      return this;
    }

    public Builder cleanBatch(int value) {
      cleanBatch = value;
      return this;
    }

    public Builder cleanLoss(CleanLoss value) {
      cleanLoss = value;
      return this;
    }

    public Builder partitionRule(PartitionRule value) {
      partitionRule = value;
      return this;
    }

    public Builder weightSamples(int value) {
      weightSamples = value;
      return this;
    }

    public Builder weighting(Weighting value) {
      weighting = value;
      return this;
    }

    public Builder weightNormalization(WeightNormalization value) {
      weightNormalization = value;
      return this;
    }

    public Builder plainShare(double value) {
      plainShare = value;
      return this;
    }

    public Builder metaWarmup(int value) {
      metaWarmup = value;
      return this;
    }

    public Builder cleanSource(CleanSource value) {
      cleanSource = value;
      return this;
    }

    /** A checkpoint folder the members start from (null: random initial weights). */
    public Builder initialCheckpoint(Path value) {
      initialCheckpoint = value;
      return this;
    }

    public Builder weightRegion(WeightRegion value) {
      weightRegion = value;
      return this;
    }

    public EnsembleSettings build() {
      return new EnsembleSettings(members, cleanBatch, cleanLoss, partitionRule, weightSamples, weighting,
          weightNormalization, plainShare, metaWarmup, cleanSource, initialCheckpoint, weightRegion);
    }
  }

  /** Whether every variant field has the paper's value. */
  public boolean isPaperMethod() {
    return weighting == Weighting.META && weightNormalization == WeightNormalization.BATCH && plainShare == 0
        && metaWarmup == 0 && cleanSource == CleanSource.SEPARATE && initialCheckpoint == null
        && weightRegion == WeightRegion.ALL;
  }
}
