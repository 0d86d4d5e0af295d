package org.dlema.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dlema.data.RgbImage;
import org.dlema.graph.Tensors;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** An exported model loaded the way TF Serving loads it, called one image at a time at the image's own size. */
public final class ServedModel implements AutoCloseable {
  /** Maps at the input's size, row-major; {@code epistemic} is null for a single network. */
  public record Prediction(int width, int height, float[] probability, float[] mask, float[] aleatoric,
      float[] epistemic) {}

  private final SavedModelBundle bundle;
  private final SessionFunction function;

  private ServedModel(SavedModelBundle bundle, SessionFunction function) {
    this.bundle = bundle;
    this.function = function;
  }

  public static ServedModel load(Path versionFolder, String signature) throws IOException {
    if (!Files.isRegularFile(versionFolder.resolve("saved_model.pb"))) {
      throw new IOException(versionFolder + ": not a SavedModel folder (no saved_model.pb)");
    }
    SavedModelBundle bundle = SavedModelBundle.load(versionFolder.toString(), ModelExporter.SERVE);
    List<String> available = bundle.signatures().stream().map(Signature::key).sorted().toList();
    if (!available.contains(signature)) {
      bundle.close();
      throw new IllegalArgumentException(versionFolder + ": the model has no signature '" + signature
          + "'; it has " + String.join(", ", available));
    }
    SessionFunction function = bundle.function(signature);
    return new ServedModel(bundle, function);
  }

  public Prediction predict(RgbImage image) {
    int w = image.width();
    int h = image.height();
    float[] pixels = new float[w * h * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = Byte.toUnsignedInt(image.data()[i]);
    }
    try (TFloat32 tensor = Tensors.of(pixels, Shape.of(1, h, w, 3));
        Result result = function.call(Map.of("image", tensor))) {
      return new Prediction(w, h, output(result, "probability"), output(result, "mask"),
          output(result, "aleatoric"), result.get("epistemic").map(t -> Tensors.toArray((TFloat32) t))
              .orElse(null));
    }
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
