package org.dlema.export;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dlema.graph.FusionRule;
import org.dlema.graph.Tensors;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.dlema.train.CheckpointKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Every kind of export, loaded by a second TensorFlow runtime: TF Java 0.5.0 (TensorFlow 2.10) in its own JVM, with
 * the probe in {@code src/test/compat} compiled against it here. Its outputs must equal this runtime's on the same
 * images. The 0.5.0 jars are copied to {@code target/tf-compat} by the build (see pom.xml).
 */
@Tag("slow")
class CompatibilityTest {
  static final Path RUNTIME = Path.of("target/tf-compat");
  /**
   * Two TensorFlow builds pick their own CPU kernels, so float32 outputs agree to rounding, not bit for bit: the
   * largest relative difference was 9.2e-7 on one 2-core machine, and 1.5e-5 (an aleatoric variance) on another
   * with oneDNN on (1.5e-6 with it off, as the suite runs). A wrong or missing op differs by orders of magnitude more.
   */
  static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  record Request(Path model, String signature, int width, int height) {}

  @Test
  void tensorFlowJava050LoadsEveryExportAndAgrees() throws Exception {
    List<Path> jars;
    try (Stream<Path> files = Files.list(RUNTIME)) {
      jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(RUNTIME + " is missing: run the tests through Maven (mvn test), which copies "
          + "TensorFlow Java 0.5.0 there", e);
    }
    assertThat(jars.stream().map(p -> p.getFileName().toString()).toList())
        .contains("tensorflow-core-api-0.5.0.jar");

    Path root = dir.resolve("export");
    Path single = ModelExporter.export(ExportRequest.of(TinyRun.run(), CheckpointKind.BEST, root, "single", 1)
        .withCalibration(ProbabilityCalibration.TEMPERATURE), TestFiles.quiet());
    EnsembleExporter.Written ensemble = EnsembleExporter.export(
        ExportRequest.of(TinyRun.ensemble(), CheckpointKind.BEST, root, "ensemble", 1),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    List<Request> requests = new ArrayList<>();
    int side = TinyRun.spec().inputSize();
    for (int[] size : new int[][] {{side, side}, {45, 31}}) {
      requests.add(new Request(single, ModelExporter.DEFAULT_SIGNATURE, size[0], size[1]));
      for (Path member : ensemble.members()) {
        requests.add(new Request(member, ModelExporter.DEFAULT_SIGNATURE, size[0], size[1]));
      }
      requests.add(new Request(ensemble.ensemble(), ModelExporter.DEFAULT_SIGNATURE, size[0], size[1]));
      for (FusionRule rule : FusionRule.values()) {
        requests.add(new Request(ensemble.ensemble(), rule.signature(), size[0], size[1]));
      }
    }
    for (Path model : List.of(single, ensemble.members().get(0), ensemble.ensemble())) {
      requests.add(new Request(model, ModelExporter.BYTES_SIGNATURE, 45, 31));
    }

    List<Map<String, float[]>> expected = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < requests.size(); k++) {
      Request r = requests.get(k);
      float[] pixels = TestFiles.rawPixels(r.width(), r.height(), 100 + k);
      Path input = dir.resolve("input-" + k);
      if (r.signature().equals(ModelExporter.BYTES_SIGNATURE)) {
        // The same pixels as a PNG file, sent as it is.
        Files.write(input, png(pixels, r.width(), r.height()));
        expected.add(outputs(r, Files.readAllBytes(input)));
      } else {
        try (OutputStream file = Files.newOutputStream(input);
            DataOutputStream out = new DataOutputStream(file)) {
          for (float v : pixels) {
            out.writeFloat(v);
          }
        }
        expected.add(outputs(r, pixels));
      }
      lines.add(String.join("\t", r.model().toString(), r.signature(), input.toString(),
          Integer.toString(r.width()), Integer.toString(r.height()), dir.resolve("output-" + k).toString()));
    }
    Path requestFile = Files.write(dir.resolve("requests.tsv"), lines);

    String classpath = compileProbe(jars);
    String log = runProbe(classpath, requestFile);
    assertWithMessage(log).that(log).containsMatch("tensorflow 2\\.10\\.");

    List<String> figures = new ArrayList<>();
    double worst = 0;
    for (int k = 0; k < requests.size(); k++) {
      Map<String, float[]> other = read(dir.resolve("output-" + k));
      Map<String, float[]> mine = expected.get(k);
      assertThat(other.keySet()).isEqualTo(mine.keySet());
      Request r = requests.get(k);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s/%s %s %dx%d:",
          r.model().getParent().getFileName(), r.model().getFileName(), r.signature(), r.width(), r.height()));
      for (String name : mine.keySet()) {
        double error = relativeError(mine.get(name), other.get(name));
        if (name.endsWith("_png")) {
          // 8-bit grey levels: a probability that agrees to 1e-6 can still round to the neighbouring level.
          assertWithMessage(name + " of " + r).that(error * 255).isAtMost(1.0 + 1e-9);
        } else {
          worst = Math.max(worst, error);
        }
        line.append(String.format(Locale.ROOT, " %s %.1e (per value %.1e)", name, error,
            elementwise(mine.get(name), other.get(name))));
      }
      figures.add(line.toString());
    }
    String report = "TF Java 0.5.0 vs 1.1.0 on the same exports, per output max |difference| / max |value| "
        + "(and max |difference| / |value|):\n  "
        + String.join("\n  ", figures);
    System.out.println(report);
    assertWithMessage(report).that(worst).isLessThan(TOLERANCE);
  }

  /** This runtime's outputs of one request, by name. */
  private static Map<String, float[]> outputs(Request r, float[] pixels) {
    Map<String, float[]> outputs = new TreeMap<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(r.model().toString(), ModelExporter.SERVE);
        TFloat32 image = Tensors.of(pixels, Shape.of(1, r.height(), r.width(), 3));
        Result result = bundle.function(r.signature()).call(Map.of("image", image))) {
      for (Map.Entry<String, Tensor> entry : result) {
        outputs.put(entry.getKey(), Tensors.toArray((TFloat32) entry.getValue()));
      }
    }
    return outputs;
  }

  /** This runtime's outputs of an image_bytes request; the PNG outputs as their grey samples, as the probe does. */
  private static Map<String, float[]> outputs(Request r, byte[] file) throws IOException {
    Map<String, float[]> outputs = new TreeMap<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(r.model().toString(), ModelExporter.SERVE);
        TString image = Tensors.strings(file);
        Result result = bundle.function(r.signature()).call(Map.of("image_bytes", image))) {
      for (Map.Entry<String, Tensor> entry : result) {
        if (entry.getValue() instanceof TString png) {
          BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Tensors.bytes(png, 0)));
          outputs.put(entry.getKey(), decoded.getRaster().getSamples(0, 0, decoded.getWidth(),
              decoded.getHeight(), 0, (float[]) null));
        } else {
          outputs.put(entry.getKey(), Tensors.toArray((TFloat32) entry.getValue()));
        }
      }
    }
    return outputs;
  }

  /** Raw 0..255 RGB floats (integral) as a PNG file. */
  private static byte[] png(float[] pixels, int w, int h) throws IOException {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < w * h; i++) {
      int rgb = (Math.round(pixels[3 * i]) << 16) | (Math.round(pixels[3 * i + 1]) << 8)
          | Math.round(pixels[3 * i + 2]);
      image.setRGB(i % w, i / w, rgb);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** max |a - b| over the output, relative to its largest magnitude (outputs such as masks may be all zero). */
  static double relativeError(float[] mine, float[] other) {
    assertThat(other.length).isEqualTo(mine.length);
    double scale = 0;
    double error = 0;
    for (int i = 0; i < mine.length; i++) {
      scale = Math.max(scale, Math.abs(mine[i]));
      error = Math.max(error, Math.abs(mine[i] - other[i]));
    }
    return scale == 0 ? error : error / scale;
  }

  /**
   * max |a - b| / |a| over values of magnitude at least 1e-6, for the record. Exported variances are exp of a
   * network output s, so this grows with |s|: a few float32 ulps of s become a relative error of about |s| ulps
   * of the variance, which is why the shared ensemble fixture trains at a rate that keeps s moderate.
   */
  static double elementwise(float[] mine, float[] other) {
    double error = 0;
    for (int i = 0; i < mine.length; i++) {
      if (Math.abs(mine[i]) >= 1e-6) {
        error = Math.max(error, Math.abs(mine[i] - other[i]) / Math.abs(mine[i]));
      }
    }
    return error;
  }

  private String compileProbe(List<Path> jars) throws IOException {
    Path classes = Files.createDirectories(dir.resolve("probe"));
    String runtime = jars.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertWithMessage("a JDK (not a JRE) runs the tests").that(compiler).isNotNull();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = compiler.run(null, errors, errors, "-classpath", runtime, "-d", classes.toString(),
        Path.of("src/test/compat/CompatProbe.java").toString());
    assertWithMessage(errors.toString(StandardCharsets.UTF_8)).that(status).isEqualTo(0);
    return classes + java.io.File.pathSeparator + runtime;
  }

  private String runProbe(String classpath, Path requests) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("probe.log");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", classpath, "CompatProbe",
        requests.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the TF Java 0.5.0 probe did not finish in 10 minutes");
    }
    String text = Files.readString(log);
    assertWithMessage(text).that(process.exitValue()).isEqualTo(0);
    return text;
  }

  private static Map<String, float[]> read(Path file) throws IOException {
    Map<String, float[]> outputs = new TreeMap<>();
    try (InputStream stream = Files.newInputStream(file); DataInputStream in = new DataInputStream(stream)) {
      while (in.available() > 0) {
        String name = in.readUTF();
        float[] values = new float[in.readInt()];
        for (int i = 0; i < values.length; i++) {
          values[i] = in.readFloat();
        }
        outputs.put(name, values);
      }
    }
    return outputs;
  }
}
