package org.dlema.bench;

import java.util.ArrayList;
import java.util.List;
import org.dlema.graph.NetworkSpec;

/**
 * The floating-point operations of a LinkNet spec, counted from the spec alone by walking the layers that
 * {@code graph.LinkNet} builds: every convolution and transposed convolution costs 2 k^2 c_in c_out h w per image
 * (one multiply and one add per weight and output pixel), where h x w is the output of a convolution and, for a
 * transposed convolution, its input (the output of the convolution it transposes: TensorFlow computes it as that
 * convolution's input gradient, {@code Conv2DBackpropInput}). Batch norm, ReLU, max-pool, additions and the loss are
 * a few operations per activation, against 2 k^2 c_in per output pixel of a convolution, and are left out.
 *
 * <p>The step counts follow the graphs' structure (see {@code benchmarks/README.md}, "the formula"): with F the
 * forward count and F1 that of the first convolution (the stem, whose input gradient nobody asks for),
 * <ul>
 *   <li>inference: F per image (times the MC passes of a dropout spec);
 *   <li>training step: forward F, weight gradients F, input gradients F - F1: 3F - F1 per image;
 *   <li>D-LEMA meta step with noisy batch B and clean batch C: B (7F - 3 F1) + C (3F - F1), see
 *       {@link #metaStep(int, int)}.
 * </ul>
 */
public final class NetworkFlops {
  /**
   * One convolution of the network.
   *
   * @param side the output side of a convolution, the input side of a transposed one: the map the formula's h x w
   *     counts
   * @param normalised whether batch norm follows (a scale and an offset per channel), else a bias (the output maps)
   */
  public record Layer(String name, int kernel, int in, int out, int side, boolean transposed, boolean normalised) {
    /** 2 k^2 c_in c_out h w: the multiply-adds of one image. */
    public long flops() {
      return 2L * kernel * kernel * in * out * side * side;
    }

    /** Trainable scalars: the kernel, and batch norm's gamma and beta or the map's bias. */
    public long parameters() {
      return (long) kernel * kernel * in * out + (normalised ? 2L * out : out);
    }
  }

  private final NetworkSpec spec;
  private final List<Layer> layers;

  private NetworkFlops(NetworkSpec spec, List<Layer> layers) {
    this.spec = spec;
    this.layers = List.copyOf(layers);
  }

  /** Walks the spec in the order {@code LinkNet.build} creates the layers. */
  public static NetworkFlops of(NetworkSpec spec) {
    List<Layer> layers = new ArrayList<>();
    int size = spec.inputSize();
    int[] widths = spec.stages();
    layers.add(new Layer("stem", 7, spec.inputChannels(), spec.stem(), size / 2, false, true));
    // The 3x3/2 max-pool halves again: stage k works at size / 2^(k+2).
    int channels = spec.stem();
    for (int stage = 0; stage < 4; stage++) {
      int side = size >> (stage + 2);
      for (int block = 0; block < spec.blocks()[stage]; block++) {
        String name = "enc" + (stage + 1) + ".block" + block;
        boolean strided = stage > 0 && block == 0;
        int out = widths[stage];
        layers.add(new Layer(name + ".conv1", 3, channels, out, side, false, true));
        layers.add(new Layer(name + ".conv2", 3, out, out, side, false, true));
        if (strided || channels != out) {
          layers.add(new Layer(name + ".down", 1, channels, out, side, false, true));
        }
        channels = out;
      }
    }
    for (int stage = 3; stage >= 0; stage--) {
      String name = "dec" + (stage + 1);
      int out = stage > 0 ? widths[stage - 1] : widths[0];
      int inputSide = size >> (stage + 2);
      int outputSide = stage > 0 ? inputSide * 2 : inputSide;
      int mid = Math.max(1, channels / 4);
      layers.add(new Layer(name + ".reduce", 1, channels, mid, inputSide, false, true));
      layers.add(new Layer(name + ".up", 3, mid, mid, inputSide, true, true));
      layers.add(new Layer(name + ".expand", 1, mid, out, outputSide, false, true));
      channels = out;
    }
    layers.add(new Layer("head.up1", 3, channels, spec.head(), size / 4, true, true));
    layers.add(new Layer("head.conv", 3, spec.head(), spec.head(), size / 2, false, true));
    layers.add(new Layer("head.logit", 2, spec.head(), 1, size / 2, true, false));
    layers.add(new Layer("head.logvar", 2, spec.head(), 1, size / 2, true, false));
    return new NetworkFlops(spec, layers);
  }

  public List<Layer> layers() {
    return layers;
  }

  /** F: one image's forward pass. */
  public long forwardPerImage() {
    return layers.stream().mapToLong(Layer::flops).sum();
  }

  /** F1: the first convolution's share of F (its input is the image, which needs no gradient). */
  public long firstLayerPerImage() {
    return layers.get(0).flops();
  }

  /** The trainable scalars of the counted layers: equal to the graph's own count when the walk missed nothing. */
  public long parameters() {
    return layers.stream().mapToLong(Layer::parameters).sum();
  }

  /** One inference pass over {@code batch} images: F each, once per MC pass of a dropout spec. */
  public long inference(int batch) {
    return (long) batch * spec.mcPasses() * forwardPerImage();
  }

  /** A plain training step: forward F, weight gradients F and input gradients F - F1 per image. */
  public long trainStep(int batch) {
    return batch * (3 * forwardPerImage() - firstLayerPerImage());
  }

  /**
   * A D-LEMA member's meta step ({@code train.MemberGraph}): per noisy image the forward F, then three backward
   * passes of 2F - F1 each (the inner gradient of the virtual step, the backward through that backward that carries
   * d L_clean / d theta' back to eps, and the gradient of the weighted real update): 7F - 3 F1; per clean image the
   * forward at theta' and its backward (to theta' and through the activations): 3F - F1.
   */
  public long metaStep(int noisyBatch, int cleanBatch) {
    long f = forwardPerImage();
    long first = firstLayerPerImage();
    return noisyBatch * (7 * f - 3 * first) + cleanBatch * (3 * f - first);
  }
}
