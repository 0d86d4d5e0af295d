package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlema.eval.EvaluationReport;
import org.dlema.eval.Evaluator;
import org.dlema.eval.TestSets;
import org.dlema.io.AtomicDirectory;

/** Exported models evaluated on test sets, as TF Serving would run them, into a report folder. */
public final class ServedEvaluation {
  private ServedEvaluation() {}

  /**
   * Loads every model (label to version folder), scores it on every test set and writes the report into
   * {@code out}, which appears complete or not at all.
   *
   * @param examples overlay pictures of the first images of each set (0: none)
   * @param about what the report records of how it was made
   */
  public static Evaluator.Results run(Map<String, Path> models, List<Path> tests, Path out, int examples,
      Map<String, Object> about, PrintStream log) throws IOException {
    List<Evaluator.TestSet> sets = TestSets.read(tests);
    Map<String, ServedModel> served = new LinkedHashMap<>();
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      for (var model : models.entrySet()) {
        served.put(model.getKey(), ServedModel.load(model.getValue(), ModelExporter.DEFAULT_SIGNATURE));
      }
      Evaluator.Results results = Evaluator.evaluate(sets, ServedPredictor.of(served),
          examples > 0 ? dir.path().resolve("examples") : null, examples, log);
      EvaluationReport.write(dir.path(), results, about);
      dir.commit();
      return results;
    } finally {
      served.values().forEach(ServedModel::close);
    }
  }
}
