package org.dlema.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a finished run learned anything, read from its {@code metrics.jsonl}: a network that predicts the same mask
 * for every image (on small objects, usually an empty one) gives the same validation Jaccard at every validation,
 * and one that predicts nothing useful scores near zero. Says so with the likely causes.
 */
public final class LearningCheck {
  /** Below this best validation Jaccard a run is said to have learned nothing. */
  static final double NEAR_ZERO = 0.05;

  private LearningCheck() {}

  /** The validation Jaccard indices of the run in {@code run}, in step order. */
  static List<Double> validations(Path run) throws IOException {
    List<Double> values = new ArrayList<>();
    Path file = run.resolve("metrics.jsonl");
    if (!Files.isRegularFile(file)) {
      return values;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.contains("\"val_jaccard\"")) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        values.add(o.get("val_jaccard").getAsDouble());
      }
    }
    return values;
  }

  /** Where a user reads what to do about it. */
  private static final String SEE = "; see docs/own-data.md, \"When a run learns nothing\"";

  /** A warning when the run in {@code run} shows no learning, else empty. */
  public static Optional<String> of(Path run) throws IOException {
    List<Double> values = validations(run);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    double best = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    if (values.size() >= 3 && values.stream().allMatch(v -> v.equals(values.get(0)))) {
      return Optional.of(String.format(Locale.ROOT, "every one of the %d validations gave the same Jaccard "
          + "(%.2f%%): the network predicts the same mask for every image, most often an empty one. Likely causes: "
          + "objects that cover a small share of the image (momentum SGD's steps shrink with their gradient; the "
          + "small-objects budget trains with Adam, best with a rare-foreground prior spec), or too few steps for "
          + "the data" + SEE, values.size(), 100 * values.get(0)));
    }
    if (best < NEAR_ZERO) {
      return Optional.of(String.format(Locale.ROOT, "the best validation Jaccard is %.2f%%: the network learned "
          + "next to nothing. Likely causes: too few steps, a learning rate too low or too high for the batch, or "
          + "objects that cover a small share of the image" + SEE, 100 * best));
    }
    return Optional.empty();
  }
}
