package org.dlema.export;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.dlema.graph.ServingGraph;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * {@code assets.extra/tf_serving_warmup_requests}: one predict request per signature, which TF Serving runs when it
 * loads the version, so that the first real request does not pay for graph optimisation. The image is a small
 * synthetic lesion (a dark ellipse on skin tones), 48 x 64 so that resizing runs both ways; the encoded-image
 * signature gets the same picture as a PNG file.
 */
public final class Warmup {
  public static final String FILE = "assets.extra/tf_serving_warmup_requests";
  static final int HEIGHT = 48;
  static final int WIDTH = 64;

  private Warmup() {}

  /** Writes the warm-up file of a version folder whose signatures are {@code signatures}. */
  static void write(Path versionFolder, String model, List<String> signatures) throws IOException {
    List<byte[]> records = new ArrayList<>();
    for (String signature : signatures) {
      records.add(PredictionLogs.encode(request(model, signature)));
    }
    Path file = versionFolder.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.write(file, TfRecordFile.encode(records));
  }

  /** The warm-up request of one signature. */
  static PredictionLogs.PredictRequest request(String model, String signature) {
    TensorProto input = signature.equals(ModelExporter.BYTES_SIGNATURE)
        ? strings(png(picture())) : floats(picture());
    String alias = signature.equals(ModelExporter.BYTES_SIGNATURE) ? ServingGraph.IMAGE_BYTES : ServingGraph.IMAGE;
    return new PredictionLogs.PredictRequest(model, signature, Map.of(alias, input));
  }

  /** The synthetic lesion: RGB 0..255. */
  static BufferedImage picture() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        double dx = (x - WIDTH / 2.0) / (WIDTH * 0.3);
        double dy = (y - HEIGHT / 2.0) / (HEIGHT * 0.3);
        boolean lesion = dx * dx + dy * dy < 1;
        int r = lesion ? 110 : 215;
        int g = lesion ? 70 : 170;
        int b = lesion ? 55 : 150;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  /** [1, h, w, 3] float32 RGB 0..255, as tensor_content (little-endian floats). */
  static TensorProto floats(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    ByteBuffer content = ByteBuffer.allocate(h * w * 3 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        content.putFloat((rgb >> 16) & 0xff).putFloat((rgb >> 8) & 0xff).putFloat(rgb & 0xff);
      }
    }
    return TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(1, h, w, 3))
        .setTensorContent(ByteString.copyFrom(content.array())).build();
  }

  /** [1] string: one encoded file. */
  static TensorProto strings(byte[] file) {
    return TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(1))
        .addStringVal(ByteString.copyFrom(file)).build();
  }

  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return shape.build();
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("encoding a PNG in memory failed", e);
    }
  }
}
