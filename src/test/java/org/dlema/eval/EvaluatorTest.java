package org.dlema.eval;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
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
  void theReferenceItselfScoresPerfectlyAndAnnotationsAreScoredOneByOne() throws Exception {
    MultiAnnotatedDataset data = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    Iterator<AnnotatedImage> order = data.images().iterator();
    Evaluator.Results results = Evaluator.evaluate(List.of(new Evaluator.TestSet("tiny", data)), image -> {
      AnnotatedImage entry = order.next();
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
      assertThat(pictures.count()).isEqualTo(2 * 3);
    }
  }
}
