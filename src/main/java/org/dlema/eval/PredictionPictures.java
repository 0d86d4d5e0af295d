package org.dlema.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.dlema.data.CsvLine;
import org.dlema.data.ImageFiles;
import org.dlema.data.RgbImage;

/**
 * The pictures of one prediction, all at the input's size: {@code <id>_mask.png}, {@code <id>_probability.png}
 * (heat map 0..1), {@code <id>_aleatoric.png} (heat map of the predicted variance, scaled to its own maximum) and
 * {@code <id>_overlay.png} (the mask's outline on the image), and for an ensemble {@code <id>_epistemic.png} (the
 * members' disagreement, heat map scaled to its own maximum).
 */
public final class PredictionPictures {
  public static final String CSV_HEADER = "image,width,height,lesion_fraction,mean_probability,mean_aleatoric,"
      + "mean_epistemic";

  private PredictionPictures() {}

  /** The names of the pictures {@link #write} makes for {@code id} (the epistemic map only for an ensemble). */
  public static List<String> names(String id) {
    return List.of(id + "_mask.png", id + "_probability.png", id + "_aleatoric.png", id + "_epistemic.png",
        id + "_overlay.png");
  }

  /**
   * Writes the pictures and returns the image's CSV line.
   *
   * @param epistemic null for a single network (the CSV column stays empty)
   */
  public static String write(String id, RgbImage image, float[] probability, float[] mask, float[] aleatoric,
      float[] epistemic, Path out) throws IOException {
    int w = image.width();
    int h = image.height();
    ImageFiles.writePng(Pictures.mask(mask, w, h), out.resolve(id + "_mask.png"));
    ImageFiles.writePng(Pictures.heatMap(probability, w, h, 0, 1), out.resolve(id + "_probability.png"));
    ImageFiles.writePng(Pictures.heatMap(aleatoric, w, h, 0, max(aleatoric)), out.resolve(id + "_aleatoric.png"));
    if (epistemic != null) {
      ImageFiles.writePng(Pictures.heatMap(epistemic, w, h, 0, max(epistemic)), out.resolve(id + "_epistemic.png"));
    }
    ImageFiles.writePng(Pictures.overlay(image, mask, 0x00ff40), out.resolve(id + "_overlay.png"));
    return String.format(Locale.ROOT, "%s,%d,%d,%.5f,%.5f,%.5f,%s", CsvLine.join(id), w, h, mean(mask),
        mean(probability),
        mean(aleatoric), epistemic == null ? "" : String.format(Locale.ROOT, "%.6f", mean(epistemic)));
  }

  /** The largest value, at least a tiny positive number so that an all-zero map still draws. */
  private static double max(float[] values) {
    double max = 1e-12;
    for (float v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
