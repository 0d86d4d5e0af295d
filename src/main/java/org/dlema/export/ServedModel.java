package org.dlema.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dlema.data.RgbImage;
import org.dlema.graph.FusionRule;
import org.dlema.graph.ServingGraph;
import org.dlema.graph.Tensors;
import org.dlema.train.Checkpoints;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/** An exported model loaded the way TF Serving loads it, called one image at a time at the image's own size. */
public final class ServedModel implements AutoCloseable {
  /**
   * Maps at the input's size, row-major; {@code epistemic} is null for a single network, the PNG files are there only
   * for the encoded-image signature.
   */
  public record Prediction(int width, int height, float[] probability, float[] mask, float[] aleatoric,
      float[] epistemic, byte[] maskPng, byte[] probabilityPng) {}

  private final SavedModelBundle bundle;
  private final SessionFunction function;
  /** The signature definitions, read once (every image's call needs their tensor names). */
  private final Map<String, SignatureDef> signatures;

  /** How a member's row is named after its model's label. */
  static final String MEMBER = " member ";
  /** How an MC-dropout pass's map is named after its model's label. */
  static final String PASS = " pass ";

  private ServedModel(SavedModelBundle bundle, SessionFunction function) {
    this.bundle = bundle;
    this.function = function;
    this.signatures = new TreeMap<>(bundle.metaGraphDef().getSignatureDefMap());
  }

  /**
   * Every probability map the model serves for one image, by row name, computed in one session run: a single
   * network gives {@code label}; a fused ensemble gives {@code "<label> member <i>"} for each member (from
   * {@code member_probabilities}) and {@code "<label> <rule>"} for each fusion rule's signature; an MC-dropout
   * network adds {@code "<label> pass <k>"} for each pass (from {@code pass_probabilities}).
   */
  public Map<String, float[]> probabilities(RgbImage image, String label) {
    SignatureDef main = signatures.get(ModelExporter.DEFAULT_SIGNATURE);
    boolean ensemble = main.getOutputsMap().containsKey("member_probabilities");
    Map<String, String> fetches = new LinkedHashMap<>();
    if (ensemble) {
      fetches.put("members", main.getOutputsMap().get("member_probabilities").getName());
      for (FusionRule rule : FusionRule.values()) {
        SignatureDef signature = signatures.get(rule.signature());
        if (signature != null) {
          fetches.put(label + " " + rule.signature(), signature.getOutputsMap().get("probability").getName());
        }
      }
    } else {
      fetches.put(label, main.getOutputsMap().get("probability").getName());
      if (main.getOutputsMap().containsKey(ModelExporter.PASS_PROBABILITIES)) {
        fetches.put("passes", main.getOutputsMap().get(ModelExporter.PASS_PROBABILITIES).getName());
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    try (TFloat32 tensor = Tensors.of(pixels(image), Shape.of(1, image.height(), image.width(), 3))) {
      Session.Runner runner = bundle.session().runner().feed(main.getInputsMap().get("image").getName(), tensor);
      fetches.values().forEach(runner::fetch);
      try (Result result = runner.run()) {
        int k = 0;
        for (String name : fetches.keySet()) {
          TFloat32 value = (TFloat32) result.get(k++);
          if (name.equals("members")) {
            putChannels(out, value, label + MEMBER);
          } else if (name.equals("passes")) {
            putChannels(out, value, label + PASS);
          } else {
            out.put(name, Tensors.toArray(value));
          }
        }
      }
    }
    return out;
  }

  /** Each channel k of a [1, height, width, channels] map under {@code prefix + (k + 1)}. */
  private static void putChannels(Map<String, float[]> out, TFloat32 value, String prefix) {
    float[] all = Tensors.toArray(value);
    int channels = (int) value.shape().get(3);
    int pixels = all.length / channels;
    for (int i = 0; i < channels; i++) {
      float[] channel = new float[pixels];
      for (int q = 0; q < pixels; q++) {
        channel[q] = all[q * channels + i];
      }
      out.put(prefix + (i + 1), channel);
    }
  }

  private static float[] pixels(RgbImage image) {
    float[] pixels = new float[image.width() * image.height() * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = Byte.toUnsignedInt(image.data()[i]);
    }
    return pixels;
  }

  public static ServedModel load(Path versionFolder, String signature) throws IOException {
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(versionFolder.toString(), ModelExporter.SERVE);
    } catch (TFResourceExhaustedException e) {
      throw e;
    } catch (TensorFlowException e) {
      // Only now is the graph read on its own: it tells a missing or damaged saved_model.pb (which it reports)
      // from damaged variables.
      SavedModelInspection.read(versionFolder);
      throw Checkpoints.damaged(versionFolder.resolve("variables").resolve("variables"), e);
    }
    List<String> available = bundle.signatures().stream().map(Signature::key).sorted().toList();
    if (!available.contains(signature)) {
      bundle.close();
      throw new IllegalArgumentException(versionFolder + ": the model has no signature '" + signature
          + "'; it has " + String.join(", ", available));
    }
    SessionFunction function = bundle.function(signature);
    return new ServedModel(bundle, function);
  }

  /** Whether the signature takes encoded image files ({@code image_bytes}) rather than pixels. */
  public boolean takesFiles() {
    return function.signature().inputNames().contains(ServingGraph.IMAGE_BYTES);
  }

  /** The maps of one image, sent as pixels. */
  public Prediction predict(RgbImage image) {
    try (TFloat32 tensor = Tensors.of(pixels(image), Shape.of(1, image.height(), image.width(), 3))) {
      return call(ServingGraph.IMAGE, tensor, image.width(), image.height());
    }
  }

  /**
   * The maps of one image file: its bytes as they are when the signature takes files, else its decoded pixels
   * ({@code image}, decoded by the caller, gives the size either way).
   */
  public Prediction predict(RgbImage image, byte[] file) {
    if (!takesFiles()) {
      return predict(image);
    }
    try (TString tensor = Tensors.strings(file)) {
      return call(ServingGraph.IMAGE_BYTES, tensor, image.width(), image.height());
    }
  }

  private Prediction call(String input, Tensor tensor, int w, int h) {
    try (Result result = function.call(Map.of(input, tensor))) {
      return new Prediction(w, h, output(result, "probability"), output(result, "mask"),
          output(result, "aleatoric"), result.get("epistemic").map(t -> Tensors.toArray((TFloat32) t))
              .orElse(null), file(result, ModelExporter.MASK_PNG), file(result, ModelExporter.PROBABILITY_PNG));
    }
  }

  private static byte[] file(Result result, String name) {
    return result.get(name).map(t -> Tensors.bytes((TString) t, 0)).orElse(null);
  }

  private static float[] output(Result result, String name) {
    return Tensors.toArray((TFloat32) result.get(name).orElseThrow(
        () -> new IllegalStateException("the signature has no output '" + name + "'")));
  }

  @Override
  public void close() {
    bundle.close();
  }
}
