package org.dlema.graph;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.dlema.io.JsonFiles;

/**
 * A LinkNet variant as declared in {@code graphs/*.json}: input size, the stem and four encoder stages (ResNet-18
 * style basic blocks), the decoder mirrors them, and the head's width. The paper's network is {@code linknet18}
 * (64-128-256-512, two blocks per stage, head 32).
 *
 * @param inputSize side of the square network input; a multiple of 32 so that every stage halves exactly
 * @param stem channels of the initial 7x7/2 convolution
 * @param stages channels of the four encoder stages
 * @param blocks residual blocks per stage
 * @param head channels of the head's first two layers
 * @param batchNormMomentum moving-average momentum of batch norm (inference statistics)
 * @param batchNormEpsilon added to the variance before the square root
 * @param dropout dropout probability of the MC-dropout variant (0: no dropout layers)
 * @param dropoutLayers how many dropout layers, placed from the centre of the network outwards (see
 *     {@link LinkNet#DROPOUT_SITES}); 0 in a file means the paper's 5 when {@code dropout} is set
 * @param mcPasses stochastic forward passes averaged at inference; 0 in a file means the paper's 15
 * @param logitBias the initial bias of the logit map (0, the paper's, when absent): a negative prior such as
 *     log(0.01 / 0.99) starts the network predicting rare foreground, so that the first steps on small objects do not
 *     spend themselves pushing every logit down (the prior initialisation of Lin et al. 2017, focal loss paper)
 * @param coordinates two more input channels, each pixel's x and y in [-1, 1] (CoordConv, Liu et al. 2018): where an
 *     object sits in the crop (LIDC's nodules: at its centre) is then something the first layer sees, instead of
 *     something a translation-equivariant network must infer from the zero padding at the borders
 */
public record NetworkSpec(String name, int inputSize, int stem, int[] stages, int[] blocks, int head,
    double batchNormMomentum, double batchNormEpsilon, double dropout, int dropoutLayers, int mcPasses,
    double logitBias, boolean coordinates) {
  /** The paper's MC dropout (Table 2): p = 0.3 in 5 layers, 15 passes. */
  public static final double PAPER_DROPOUT = 0.3;
  public static final int PAPER_DROPOUT_LAYERS = 5;
  public static final int PAPER_MC_PASSES = 15;

  /**
   * Bounds far past any useful network (ResNet-152's widest stage has 2048 channels), so that a typo is refused in
   * words instead of failing inside TensorFlow.
   */
  public static final int MAX_WIDTH = 4096;
  public static final int MAX_BLOCKS = 64;
  public static final int MAX_INPUT = 2048;

  public NetworkSpec {
    checkArgument(name != null && !name.isBlank(), "a spec needs a name");
    checkArgument(inputSize >= 32 && inputSize % 32 == 0 && inputSize <= MAX_INPUT,
        "%s: inputSize must be a multiple of 32 from 32 to %s, got %s", name, MAX_INPUT, inputSize);
    checkArgument(stem >= 1 && head >= 1 && stem <= MAX_WIDTH && head <= MAX_WIDTH,
        "%s: stem and head need 1 to %s channels", name, MAX_WIDTH);
    checkArgument(stages != null && stages.length == 4, "%s: 'stages' must list four widths", name);
    checkArgument(blocks != null && blocks.length == 4, "%s: 'blocks' must list four counts", name);
    checkArgument(Arrays.stream(stages).allMatch(c -> c >= 1 && c <= MAX_WIDTH),
        "%s: stage widths must be 1 to %s", name, MAX_WIDTH);
    checkArgument(Arrays.stream(blocks).allMatch(b -> b >= 1 && b <= MAX_BLOCKS),
        "%s: block counts must be 1 to %s", name, MAX_BLOCKS);
    checkArgument(batchNormMomentum > 0 && batchNormMomentum < 1, "%s: batchNormMomentum must be in (0, 1)", name);
    checkArgument(batchNormEpsilon > 0, "%s: batchNormEpsilon must be positive", name);
    checkArgument(dropout >= 0 && dropout < 1, "%s: dropout must be in [0, 1)", name);
    checkArgument(Double.isFinite(logitBias) && Math.abs(logitBias) <= 20, "%s: logitBias must be in [-20, 20]",
        name);
    if (dropout > 0) {
      dropoutLayers = dropoutLayers == 0 ? PAPER_DROPOUT_LAYERS : dropoutLayers;
      mcPasses = mcPasses == 0 ? PAPER_MC_PASSES : mcPasses;
      checkArgument(dropoutLayers >= 1 && dropoutLayers <= LinkNet.DROPOUT_SITES.size(),
          "%s: dropoutLayers must be in 1..%s", name, LinkNet.DROPOUT_SITES.size());
      checkArgument(mcPasses >= 1, "%s: mcPasses must be at least 1", name);
    } else {
      dropoutLayers = 0;
      mcPasses = 1;
    }
    stages = stages.clone();
    blocks = blocks.clone();
  }

  /** This spec with MC dropout: the paper's variant of the member architecture (Table 2). */
  public NetworkSpec withDropout(double rate, int layers, int passes) {
    return new NetworkSpec(name, inputSize, stem, stages, blocks, head, batchNormMomentum, batchNormEpsilon, rate,
        layers, passes, logitBias, coordinates);
  }

  /** Channels of the network's first layer: RGB, and the pixel coordinates when the spec adds them. */
  public int inputChannels() {
    return coordinates ? 5 : 3;
  }

  public boolean hasDropout() {
    return dropout > 0;
  }

  public static NetworkSpec load(Path file) throws IOException {
    NetworkSpec spec;
    try {
      spec = JsonFiles.read(file, NetworkSpec.class);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return spec;
  }

  @Override
  public int[] stages() {
    return stages.clone();
  }

  @Override
  public int[] blocks() {
    return blocks.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkSpec s && s.name.equals(name) && s.inputSize == inputSize && s.stem == stem
        && Arrays.equals(s.stages, stages) && Arrays.equals(s.blocks, blocks) && s.head == head
        && s.batchNormMomentum == batchNormMomentum && s.batchNormEpsilon == batchNormEpsilon
        && s.dropout == dropout && s.dropoutLayers == dropoutLayers && s.mcPasses == mcPasses
        && s.logitBias == logitBias && s.coordinates == coordinates;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(stages);
  }
}
