import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import javax.imageio.ImageIO;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Runs exported models in another TensorFlow Java runtime (compiled and started by CompatibilityTest against TF Java
 * 0.5.0, never by the main build). Each line of the request file: model folder, signature, input file, width,
 * height, output file, tab-separated. Inputs are raw RGB floats, or for the image_bytes signature an encoded image
 * file sent as it is; each output file gets, per output in name order, the name, the value count and the float
 * values (big-endian, DataOutputStream). String outputs are PNG files: their grey samples are written.
 */
public final class CompatProbe {
  public static void main(String[] args) throws IOException {
    System.out.println("tensorflow " + TensorFlow.version());
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.split("\t");
      int width = Integer.parseInt(f[3]);
      int height = Integer.parseInt(f[4]);
      boolean encoded = f[1].equals("image_bytes");
      float[] pixels = new float[width * height * 3];
      if (!encoded) {
        try (InputStream file = Files.newInputStream(Path.of(f[2]));
            DataInputStream in = new DataInputStream(file)) {
          for (int i = 0; i < pixels.length; i++) {
            pixels[i] = in.readFloat();
          }
        }
      }
      try (SavedModelBundle bundle = SavedModelBundle.load(f[0], "serve");
          Tensor image = encoded
              ? TString.tensorOfBytes(NdArrays.vectorOfObjects(Files.readAllBytes(Path.of(f[2]))))
              : TFloat32.tensorOf(Shape.of(1, height, width, 3), DataBuffers.of(pixels, true, false));
          Result result = bundle.function(f[1]).call(Map.of(encoded ? "image_bytes" : "image", image));
          OutputStream file = Files.newOutputStream(Path.of(f[5]));
          DataOutputStream out = new DataOutputStream(file)) {
        Map<String, Tensor> outputs = new TreeMap<>();
        for (Map.Entry<String, Tensor> entry : result) {
          outputs.put(entry.getKey(), entry.getValue());
        }
        for (Map.Entry<String, Tensor> entry : outputs.entrySet()) {
          float[] values;
          if (entry.getValue() instanceof TString png) {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png.asBytes().getObject(0)));
            values = decoded.getRaster().getSamples(0, 0, decoded.getWidth(), decoded.getHeight(), 0,
                (float[]) null);
          } else {
            TFloat32 tensor = (TFloat32) entry.getValue();
            values = new float[(int) tensor.size()];
            tensor.read(DataBuffers.of(values, false, false));
          }
          out.writeUTF(entry.getKey());
          out.writeInt(values.length);
          for (float v : values) {
            out.writeFloat(v);
          }
        }
      }
      System.out.println("ran " + f[0] + " " + f[1]);
    }
  }
}
