package org.dlema.eval;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ReferenceMasks;
import org.dlema.io.JsonFiles;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
  @TempDir Path dir;

  private static float[] mask(Path file) {
    var mask = ImageFiles.readMask(file).mask();
    float[] out = new float[mask.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = mask.get(i) ? 1 : 0;
    }
    return out;
  }

  @Test
  void samplesThatAreNotRowsFeedGedButNoTable() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    Map<String, AnnotatedImage> byPixels = new HashMap<>();
    for (AnnotatedImage entry : data.images()) {
      byPixels.put(Arrays.toString(ImageFiles.readRgb(entry.image()).image().data()), entry);
    }
    Evaluator.Predictor predictor = new Evaluator.Predictor() {
      @Override
      public Map<String, float[]> predict(org.dlema.data.RgbImage image) {
        AnnotatedImage entry = byPixels.get(Arrays.toString(image.data()));
        Map<String, float[]> out = new LinkedHashMap<>();
        float[] all = new float[image.width() * image.height()];
        Arrays.fill(all, 1f);
        out.put("sampled", all);
        // The samples are exactly the image's annotations, like MC passes hidden from the tables.
        for (int k = 0; k < entry.annotations().size(); k++) {
          out.put("sampled pass " + (k + 1), mask(entry.annotations().get(k).file()));
        }
        out.put("alone", all);
        return out;
      }

      @Override
      public boolean isRow(String name) {
        return !name.contains(" pass ");
      }

      @Override
      public List<String> samples(String method, java.util.Set<String> predictions) {
        return method.equals("sampled")
            ? predictions.stream().filter(n -> n.startsWith("sampled pass ")).toList() : List.of(method);
      }
    };
    Evaluator.Results results = Evaluator.evaluate(List.of(new Evaluator.TestSet("tiny", data)), predictor,
        dir.resolve("examples"), 1);
    assertThat(results.scores().get("tiny").keySet()).containsExactly("sampled", "alone").inOrder();
    // Samples distributed exactly as the annotations: GED² = 2 E d(S, Y) - E d(S, S') - E d(Y, Y') = 0 exactly.
    assertThat(results.annotators().get("tiny").get("sampled").summary().ged().mean()).isWithin(1e-12).of(0.0);
    // The same map as its own single sample is some distance away from annotations that disagree.
    assertThat(results.annotators().get("tiny").get("alone").summary().ged().mean()).isGreaterThan(0.01);
    try (var examples = Files.walk(dir.resolve("examples"))) {
      assertThat(examples.filter(f -> f.getFileName().toString().contains("pass")).count()).isEqualTo(0);
    }
  }

  @Test
  void theReferenceItselfScoresPerfectlyAndAnnotationsAreScoredOneByOne() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    // Images are predicted on several threads in any order: the predictor finds each image's entry by its pixels.
    Map<String, AnnotatedImage> byPixels = new HashMap<>();
    for (AnnotatedImage entry : data.images()) {
      byPixels.put(Arrays.toString(ImageFiles.readRgb(entry.image()).image().data()), entry);
    }
    assertThat(byPixels).hasSize(data.size());
    Evaluator.Results results = Evaluator.evaluate(List.of(new Evaluator.TestSet("tiny", data)), image -> {
      AnnotatedImage entry = byPixels.get(Arrays.toString(image.data()));
      Map<String, float[]> out = new LinkedHashMap<>();
      out.put("oracle", mask(ReferenceMasks.file(data, entry).orElseThrow()));
      out.put("first annotator", mask(entry.annotations().get(0).file()));
      float[] half = new float[image.width() * image.height()];
      Arrays.fill(half, 0.5f);
      out.put("coin", half);
      return out;
    }, dir.resolve("examples"), 2);

    assertThat(results.scores().keySet()).containsExactly("tiny", "tiny (reference)").inOrder();
    MethodScores.Summary oracle = results.scores().get("tiny (reference)").get("oracle").summary();
    assertThat(oracle.jaccard().mean()).isEqualTo(1.0);
    assertThat(oracle.dice().mean()).isEqualTo(1.0);
    assertThat(oracle.nll()).isWithin(1e-6).of(0.0);
    assertThat(oracle.brier()).isEqualTo(0.0);
    assertThat(oracle.expectedCalibrationError()).isEqualTo(0.0);
    assertThat(oracle.images()).isEqualTo(data.size());

    // Against the annotations, the first annotator scores 1 on its own mask and below 1 on some other annotator's.
    MethodScores first = results.scores().get("tiny").get("first annotator");
    Map<String, String> firstMask = new LinkedHashMap<>();
    for (AnnotatedImage e : data.images()) {
      firstMask.put(e.id(), e.annotations().get(0).file().getFileName().toString());
    }
    boolean disagreement = false;
    for (MethodScores.Row row : first.rows()) {
      if (row.target().equals(firstMask.get(row.image()))) {
        assertThat(row.scores().jaccard()).isEqualTo(1.0);
      } else {
        disagreement |= row.scores().jaccard() < 1.0;
      }
    }
    assertThat(disagreement).isTrue();
    assertThat(first.summary().jaccard().mean()).isLessThan(1.0);
    assertThat(first.rows()).hasSize(data.annotationCount());

    // p = 0.5 everywhere: every pixel is called lesion, NLL ln 2, Brier 1/4, whatever the target.
    MethodScores.Summary coin = results.scores().get("tiny (reference)").get("coin").summary();
    assertThat(coin.nll()).isWithin(1e-9).of(Math.log(2));
    assertThat(coin.brier()).isWithin(1e-12).of(0.25);

    EvaluationReport.write(dir, results, Map.of());
    String tables = Files.readString(dir.resolve(EvaluationReport.TABLES));
    assertThat(tables).contains("| oracle | ");
    assertThat(tables).contains("100.00 ± 0.00");
    assertThat(tables).contains("0.693");
    var contents = JsonFiles.read(dir.resolve(EvaluationReport.JSON), EvaluationReport.Contents.class);
    assertThat(contents.results()).hasSize(6);
    assertThat(Files.readAllLines(dir.resolve(EvaluationReport.CSV)))
        .hasSize(1 + 3 * data.annotationCount() + 3 * data.size());
    assertThat(Files.isRegularFile(dir.resolve("reliability/tiny-reference_coin.png"))).isTrue();
    try (var pictures = Files.list(dir.resolve("examples/tiny"))) {
      // Three methods' overlays and the annotators' outlines for each of 2 images.
      assertThat(pictures.count()).isEqualTo(2 * (3 + 1));
    }
    // The first annotation's outline is orange, the second's sky blue, where no later outline covers them.
    AnnotatedImage drawn = data.images().get(0);
    java.awt.image.BufferedImage outlines = javax.imageio.ImageIO.read(dir.resolve("examples/tiny")
        .resolve(drawn.id() + "_annotators.png").toFile());
    int w = outlines.getWidth();
    int h = outlines.getHeight();
    List<float[]> masks = drawn.annotations().stream().map(a -> mask(a.file())).toList();
    for (int k = 0; k < 2; k++) {
      int seen = 0;
      for (int y = 1; y < h - 1; y++) {
        for (int x = 1; x < w - 1; x++) {
          final int px = x;
          final int py = y;
          if (edge(masks.get(k), w, x, y) && masks.subList(k + 1, masks.size()).stream()
              .noneMatch(m -> edge(m, w, px, py))) {
            assertThat(outlines.getRGB(x, y) & 0xffffff).isEqualTo(Pictures.PALETTE[k]);
            seen++;
          }
        }
      }
      assertThat(seen).isGreaterThan(0);
    }
  }

  /** An inside pixel with a 4-neighbour outside, written out independently of Pictures. */
  private static boolean edge(float[] mask, int w, int x, int y) {
    return mask[y * w + x] >= 0.5f && (mask[y * w + x - 1] < 0.5f || mask[y * w + x + 1] < 0.5f
        || mask[(y - 1) * w + x] < 0.5f || mask[(y + 1) * w + x] < 0.5f);
  }

  @Test
  void scoresAreAddedInTheSetsOrderWhateverOrderTheImagesFinishIn() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    // A prediction that depends on the image only, slower for some images than for others.
    Evaluator.Predictor predictor = image -> {
      byte[] rgb = image.data();
      float[] p = new float[image.width() * image.height()];
      for (int q = 0; q < p.length; q++) {
        p[q] = (rgb[3 * q] & 0xff) / 255f;
      }
      if ((rgb[0] & 1) == 0) {
        try {
          Thread.sleep(30);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Map.of("red", p);
    };
    // Some images are slow and some fast, and four workers whatever the machine: images finish out of order.
    long slow = data.images().stream()
        .filter(e -> (ImageFiles.readRgb(e.image()).image().data()[0] & 1) == 0).count();
    assertThat(slow).isGreaterThan(0L);
    assertThat(slow).isLessThan((long) data.size());
    Evaluator.Results results = Evaluator.evaluate(List.of(new Evaluator.TestSet("tiny", data)), predictor, null, 0,
        null, 4);

    // The oracle: every image scored here, one after another, in the set's order.
    MethodScores expected = new MethodScores();
    MethodScores expectedReference = new MethodScores();
    for (AnnotatedImage entry : data.images()) {
      var image = ImageFiles.readRgb(entry.image()).image();
      float[] p = predictor.predict(image).get("red");
      expected.add(entry.id(), p, entry.annotations().stream().map(a -> a.file().getFileName().toString()).toList(),
          entry.annotations().stream().map(a -> mask(a.file())).toList());
      expectedReference.add(entry.id(), p, List.of("reference"),
          List.of(mask(ReferenceMasks.file(data, entry).orElseThrow())));
    }
    MethodScores actual = results.scores().get("tiny").get("red");
    assertThat(actual.rows()).isEqualTo(expected.rows());
    assertThat(actual.summary()).isEqualTo(expected.summary());
    assertThat(results.scores().get("tiny (reference)").get("red").summary()).isEqualTo(expectedReference.summary());
    assertThat(actual.rows().stream().map(MethodScores.Row::image).distinct().toList())
        .isEqualTo(data.images().stream().map(AnnotatedImage::id).toList());
  }

  @Test
  void aFailingPredictionStopsTheEvaluationWithItsOwnError() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    IOException thrown = assertThrows(IOException.class,
        () -> Evaluator.evaluate(List.of(new Evaluator.TestSet("tiny", data)), image -> {
          throw new IOException("model.pb: cannot be read");
        }, null, 0));
    assertThat(thrown).hasMessageThat().isEqualTo("model.pb: cannot be read");
  }
}
