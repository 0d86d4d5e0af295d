package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's first command: train on a small folder of images with 2-3 masks each, giving no recipe option (learning
 * rate, batch, schedule, augmentation all from the default budget). Only the length is cut, and the tiny spec keeps
 * the test short.
 */
@Tag("slow")
class DefaultRecipeTest {
  @TempDir Path dir;

  @Test
  void theDefaultRecipeLearnsASmallFolderLayoutSet() throws Exception {
    Path data = dir.resolve("mine");
    assertThat(CliRunner.run("data", "synth", "--out", data.toString(), "--count", "60", "--size", "48",
        "--counts", "2:1,3:1").exitCode()).isEqualTo(0);
    Path run = dir.resolve("run");
    CliRunner.Outcome trained = CliRunner.run("train", "--data", data.toString(), "--spec", "tiny", "--steps", "1000",
        "--out", run.toString());
    assertThat(trained.exitCode()).isEqualTo(0);
    assertThat(trained.err()).contains("budget cpu-hour");
    assertThat(trained.err()).doesNotContain("learned next to nothing");

    // What learning means here: beating both trivial answers by a wide margin. Predicting nothing scores 0 on these
    // masks (none is empty); predicting lesion everywhere scores each mask's share of the image.
    MultiAnnotatedDataset dataset = DatasetReader.read(data, ReadOptions.strict());
    double share = 0;
    int masks = 0;
    for (var image : dataset.images()) {
      for (var annotation : image.annotations()) {
        var mask = ImageFiles.readMask(annotation.file()).mask();
        int lesion = 0;
        for (int i = 0; i < mask.size(); i++) {
          lesion += mask.get(i) ? 1 : 0;
        }
        share += (double) lesion / mask.size();
        masks++;
      }
    }
    double everywhere = share / masks;
    assertThat(everywhere).isLessThan(0.4);
    double best = 0;
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonObject values = JsonParser.parseString(line).getAsJsonObject();
      if (values.has("val_jaccard")) {
        best = Math.max(best, values.get("val_jaccard").getAsDouble());
      }
    }
    // At least 0.5 and 0.2 above lesion-everywhere: a network that only learned the lesion's usual size or place
    // stays near the trivial answers.
    assertThat(best).isAtLeast(Math.max(0.5, everywhere + 0.2));
  }
}
