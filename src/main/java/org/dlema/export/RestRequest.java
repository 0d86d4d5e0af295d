package org.dlema.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import org.dlema.data.ImageFiles;
import org.dlema.data.RgbImage;
import org.dlema.graph.ServingGraph;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;

/**
 * The body of a TF Serving REST predict request ({@code POST /v1/models/NAME:predict}) for one image, in the row
 * ("instances") format: for the encoded-image signature the file as {@code {"b64": ...}}, for a pixel signature the
 * image as an h x w x 3 array of 0..255 values.
 */
public final class RestRequest {
  private RestRequest() {}

  /** The signature a request uses when none is asked for: the encoded one when the model has it. */
  public static String defaultSignature(Path versionFolder) throws IOException {
    return defaultSignature(signatures(SavedModelInspection.read(versionFolder)));
  }

  private static String defaultSignature(List<String> known) {
    return known.contains(ModelExporter.BYTES_SIGNATURE) ? ModelExporter.BYTES_SIGNATURE
        : ModelExporter.DEFAULT_SIGNATURE;
  }

  /** Whether the bytes start as a file TensorFlow's DecodeImage reads: PNG, JPEG, GIF or BMP. */
  static boolean decodable(byte[] file) {
    return startsWith(file, 0x89, 'P', 'N', 'G') || startsWith(file, 0xff, 0xd8, 0xff)
        || startsWith(file, 'G', 'I', 'F', '8') || startsWith(file, 'B', 'M');
  }

  private static boolean startsWith(byte[] file, int... magic) {
    if (file.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((file[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The JSON body for {@code signature} (null: {@link #defaultSignature}) of the model in {@code versionFolder}, for
   * the image file {@code imageFile}: its bytes for a signature that takes files, else its decoded pixels.
   */
  public static String body(Path versionFolder, String signature, Path imageFile) throws IOException {
    byte[] file = Files.readAllBytes(imageFile);
    RgbImage image = ImageFiles.readRgb(imageFile).image();
    SavedModel model = SavedModelInspection.read(versionFolder);
    List<String> known = signatures(model);
    if (signature == null) {
      signature = defaultSignature(known);
    } else if (!known.contains(signature)) {
      throw new IllegalArgumentException(versionFolder + ": the model has no signature '" + signature + "'; it has "
          + String.join(", ", known));
    }
    SignatureDef def = model.getMetaGraphs(0).getSignatureDefMap().get(signature);
    JsonObject body = new JsonObject();
    body.addProperty("signature_name", signature);
    JsonArray instances = new JsonArray();
    if (def.getInputsMap().containsKey(ServingGraph.IMAGE_BYTES)) {
      if (!decodable(file)) {
        throw new IllegalArgumentException(imageFile + ": is not a PNG, JPEG, GIF or BMP file, the formats the "
            + signature + " signature decodes; convert it, or send its pixels through the "
            + ModelExporter.DEFAULT_SIGNATURE + " signature");
      }
      JsonObject encoded = new JsonObject();
      encoded.addProperty("b64", Base64.getEncoder().encodeToString(file));
      instances.add(encoded);
    } else {
      JsonArray rows = new JsonArray();
      byte[] data = image.data();
      for (int y = 0; y < image.height(); y++) {
        JsonArray row = new JsonArray();
        for (int x = 0; x < image.width(); x++) {
          JsonArray pixel = new JsonArray();
          int i = 3 * (y * image.width() + x);
          pixel.add(Byte.toUnsignedInt(data[i]));
          pixel.add(Byte.toUnsignedInt(data[i + 1]));
          pixel.add(Byte.toUnsignedInt(data[i + 2]));
          row.add(pixel);
        }
        rows.add(row);
      }
      instances.add(rows);
    }
    body.add("instances", instances);
    return body.toString();
  }

  private static List<String> signatures(SavedModel model) {
    TreeSet<String> names = new TreeSet<>();
    model.getMetaGraphsList().forEach(m -> names.addAll(m.getSignatureDefMap().keySet()));
    return List.copyOf(names);
  }
}
