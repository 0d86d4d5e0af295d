package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.dlema.data.ImageFiles;
import org.dlema.data.RgbImage;
import org.dlema.graph.FusionRule;
import org.dlema.graph.Tensors;
import org.dlema.testing.TinyRun;
import org.dlema.train.CheckpointKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The encoded-image signature against the pixel signature of the same export, its PNG outputs, and the warm-up
 * requests, for a single network and a fused ensemble.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncodedImageSignatureTest {
  @TempDir static Path dir;
  private Path single;
  private Path fused;

  @BeforeAll
  void export() throws IOException {
    single = ModelExporter.export(ExportRequest.of(TinyRun.run(), CheckpointKind.BEST, dir.resolve("export"), "tiny", 1)
        .withCalibration(ProbabilityCalibration.TEMPERATURE), EnsembleExporterTest.quiet());
    // A fixed rule, so that what is compared does not depend on the rule validation picks: under the uniform rule
    // the tiny members' summed variances differ by up to 13% between the two JPEG decoders' pixels.
    fused = EnsembleExporter.export(
        ExportRequest.of(TinyRun.ensemble(), CheckpointKind.BEST, dir.resolve("export"), "ens", 1)
        .withFusion(FusionRule.PIXEL_CONFIDENCE), EnsembleExporterTest.quiet()).ensemble();
  }

  /** A smooth picture with a dark blob, 45 x 31 so that the network's resizing runs in both directions. */
  private static BufferedImage picture() {
    BufferedImage image = new BufferedImage(45, 31, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 31; y++) {
      for (int x = 0; x < 45; x++) {
        double d = Math.hypot((x - 20) / 12.0, (y - 14) / 9.0);
        int r = (int) Math.round(Math.min(255, 90 + 120 * d));
        int g = (int) Math.round(Math.min(255, 50 + 110 * d + 2 * y));
        int b = (int) Math.round(Math.min(255, 40 + 100 * d + x));
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  private static float[] pixels(RgbImage image) {
    float[] pixels = new float[image.data().length];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = Byte.toUnsignedInt(image.data()[i]);
    }
    return pixels;
  }

  /** Every output of {@code signature} for one encoded file, float maps as arrays and strings as bytes. */
  private static Map<String, Object> callBytes(SavedModelBundle bundle, String signature, byte[]... files) {
    try (TString input = Tensors.strings(files);
        Result result = bundle.function(signature).call(Map.of("image_bytes", input))) {
      return outputs(result);
    }
  }

  private static Map<String, Object> callPixels(SavedModelBundle bundle, String signature, RgbImage image) {
    try (TFloat32 input = Tensors.of(pixels(image), Shape.of(1, image.height(), image.width(), 3));
        Result result = bundle.function(signature).call(Map.of("image", input))) {
      return outputs(result);
    }
  }

  private static Map<String, Object> outputs(Result result) {
    Map<String, Object> out = new HashMap<>();
    for (var entry : result) {
      Tensor t = entry.getValue();
      out.put(entry.getKey(), t instanceof TString s ? Tensors.bytes(s, 0) : Tensors.toArray((TFloat32) t));
    }
    return out;
  }

  /** Equal within {@code tolerance} relative to the value's size (at least 1): the variances reach several units. */
  private static void assertClose(float[] actual, float[] expected, double tolerance) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).isWithin(tolerance * Math.max(1, Math.abs(expected[i]))).of(expected[i]);
    }
  }

  @Test
  void bytesGiveThePixelSignaturesMapsForLosslessFilesAndCloseOnesForJpeg() throws IOException {
    BufferedImage picture = picture();
    for (Path model : List.of(single, fused)) {
      try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), ModelExporter.SERVE)) {
        for (String format : List.of("png", "bmp", "jpg")) {
          byte[] file = encode(picture, format);
          // The pixel signature gets the file as Java decodes it: the same pixels for PNG and BMP.
          Path written = dir.resolve("picture." + format);
          Files.write(written, file);
          RgbImage decoded = ImageFiles.readRgb(written).image();
          Map<String, Object> viaBytes = callBytes(bundle, ModelExporter.BYTES_SIGNATURE, file);
          Map<String, Object> viaPixels = callPixels(bundle, ModelExporter.DEFAULT_SIGNATURE, decoded);
          // JPEG decoders differ in their rounding (TensorFlow's libjpeg against Java's), by a few grey levels.
          double tolerance = format.equals("jpg") ? 0.05 : 1e-5;
          for (String output : List.of("probability", "aleatoric")) {
            assertClose((float[]) viaBytes.get(output), (float[]) viaPixels.get(output), tolerance);
          }
          assertThat(((float[]) viaBytes.get("probability")).length).isEqualTo(45 * 31);
          if (model.equals(fused)) {
            assertClose((float[]) viaBytes.get("member_probabilities"),
                (float[]) viaPixels.get("member_probabilities"), tolerance);
          }
        }
      }
    }
  }

  @Test
  void pngOutputsDecodeToTheMaskAndTheProbability() throws IOException {
    for (Path model : List.of(single, fused)) {
      try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), ModelExporter.SERVE)) {
        Map<String, Object> out = callBytes(bundle, ModelExporter.BYTES_SIGNATURE, encode(picture(), "png"));
        BufferedImage mask = ImageIO.read(new ByteArrayInputStream((byte[]) out.get("mask_png_bytes")));
        BufferedImage probability = ImageIO.read(new ByteArrayInputStream((byte[]) out.get("probability_png_bytes")));
        assertThat(mask.getWidth()).isEqualTo(45);
        assertThat(mask.getHeight()).isEqualTo(31);
        float[] maskValues = (float[]) out.get("mask");
        float[] probabilityValues = (float[]) out.get("probability");
        for (int y = 0; y < 31; y++) {
          for (int x = 0; x < 45; x++) {
            int i = y * 45 + x;
            assertThat(mask.getRaster().getSample(x, y, 0)).isEqualTo(maskValues[i] == 1f ? 255 : 0);
            assertThat((double) probability.getRaster().getSample(x, y, 0))
                .isWithin(0.5 + 1e-3).of(255.0 * probabilityValues[i]);
          }
        }
      }
    }
  }

  @Test
  void moreThanOneFilePerRequestIsRefusedWithTheReason() throws IOException {
    byte[] file = encode(picture(), "png");
    try (SavedModelBundle bundle = SavedModelBundle.load(single.toString(), ModelExporter.SERVE)) {
      Exception e = assertThrows(Exception.class, () -> callBytes(bundle, ModelExporter.BYTES_SIGNATURE, file,
          file));
      assertThat(e).hasMessageThat().contains("takes exactly one encoded image per request");
    }
  }

  /** A request's input as a tensor, from its TensorProto (float32 tensor_content or one string). */
  private static Tensor tensor(TensorProto proto) {
    long[] dims = proto.getTensorShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray();
    if (proto.getDtype() == DataType.DT_STRING) {
      assertThat(dims).isEqualTo(new long[] {1});
      return Tensors.strings(proto.getStringVal(0).toByteArray());
    }
    assertThat(proto.getDtype()).isEqualTo(DataType.DT_FLOAT);
    ByteBuffer content = proto.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[content.remaining() / Float.BYTES];
    content.asFloatBuffer().get(values);
    return Tensors.of(values, Shape.of(dims));
  }

  @Test
  void warmupFileParsesIntoOneRequestPerSignatureThatTheExportAnswers() throws IOException {
    for (Path model : List.of(single, fused)) {
      List<byte[]> records = TfRecordFile.read(model.resolve(Warmup.FILE));
      try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), ModelExporter.SERVE)) {
        Set<String> signatures = new java.util.TreeSet<>(bundle.signatures().stream().map(Signature::key).toList());
        assertThat(records).hasSize(signatures.size());
        Set<String> seen = new java.util.TreeSet<>();
        for (byte[] record : records) {
          PredictionLogs.PredictRequest request = PredictionLogs.decode(record);
          seen.add(request.signature());
          assertThat(request.model()).isEqualTo(model.getParent().getFileName().toString());
          assertThat(request.inputs()).hasSize(1);
          var input = request.inputs().entrySet().iterator().next();
          try (Tensor tensor = tensor(input.getValue());
              Result result = bundle.function(request.signature()).call(Map.of(input.getKey(), tensor))) {
            TFloat32 probability = (TFloat32) result.get("probability").orElseThrow();
            assertThat(probability.shape()).isEqualTo(Shape.of(1, Warmup.HEIGHT, Warmup.WIDTH, 1));
          }
        }
        assertThat(seen).isEqualTo(signatures);
      }
    }
  }

  @Test
  void damagedWarmupFilesAreNamed() throws IOException {
    byte[] good = Files.readAllBytes(single.resolve(Warmup.FILE));
    Path flipped = dir.resolve("flipped");
    byte[] bad = good.clone();
    bad[20] ^= 0x40;
    Files.write(flipped, bad);
    IOException e = assertThrows(IOException.class, () -> TfRecordFile.read(flipped));
    assertThat(e).hasMessageThat().contains(flipped + " is damaged: record 1");
    Path truncated = dir.resolve("truncated");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 3));
    assertThat(assertThrows(IOException.class, () -> TfRecordFile.read(truncated))).hasMessageThat()
        .contains("is damaged");
  }

  @Test
  void restBodiesCarryTheFileOrThePixels() throws IOException {
    byte[] file = encode(picture(), "png");
    Path written = dir.resolve("body.png");
    Files.write(written, file);
    assertThat(RestRequest.defaultSignature(fused)).isEqualTo(ModelExporter.BYTES_SIGNATURE);
    JsonObject bytes = JsonParser.parseString(RestRequest.body(fused, "image_bytes", written))
        .getAsJsonObject();
    assertThat(bytes.get("signature_name").getAsString()).isEqualTo("image_bytes");
    assertThat(Base64.getDecoder().decode(bytes.getAsJsonArray("instances").get(0).getAsJsonObject().get("b64")
        .getAsString())).isEqualTo(file);
    JsonObject pixels = JsonParser.parseString(RestRequest.body(fused, "uniform", written)).getAsJsonObject();
    var rows = pixels.getAsJsonArray("instances").get(0).getAsJsonArray();
    assertThat(rows.size()).isEqualTo(31);
    assertThat(rows.get(0).getAsJsonArray().size()).isEqualTo(45);
    int rgb = picture().getRGB(3, 2);
    assertThat(rows.get(2).getAsJsonArray().get(3).getAsJsonArray().get(0).getAsInt()).isEqualTo((rgb >> 16) & 0xff);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> RestRequest.body(fused, "nope", written));
    assertThat(unknown).hasMessageThat().contains("has no signature 'nope'");
  }

  @Test
  void inspectListsTheSignatureAndTheWarmupRequests() throws IOException {
    String report = SavedModelInspection.describe(fused);
    assertThat(report).contains("signature 'image_bytes' (method tensorflow/serving/predict)");
    assertThat(report).contains("image_bytes            string");
    assertThat(report).contains("mask_png_bytes");
    assertThat(report).contains(Warmup.FILE + ": 5 predict requests");
    String card = Files.readString(fused.resolve(ModelExporter.CARD));
    assertThat(card).contains("\"probability_png_bytes\"");
    assertThat(card).contains("\"image_bytes\"");
  }
}
