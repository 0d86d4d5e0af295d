package org.dlema.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.dlema.data.ImageFiles;
import org.dlema.data.RgbImage;

/**
 * The pictures of one prediction, all at the input's size: {@code <id>_mask.png}, {@code <id>_probability.png}
 * (heat map 0..1), {@code <id>_aleatoric.png} (heat map of the predicted variance, scaled to its own maximum) and
 * {@code <id>_overlay.png} (the mask's outline on the image).
 */
public final class PredictionPictures {
  public static final String CSV_HEADER = "image,width,height,lesion_fraction,mean_probability,mean_aleatoric";

  private PredictionPictures() {}

  /** Writes the four pictures and returns the image's CSV line. */
  public static String write(String id, RgbImage image, float[] probability, float[] mask, float[] aleatoric,
      Path out) throws IOException {
    int w = image.width();
    int h = image.height();
    ImageFiles.writePng(Pictures.mask(mask, w, h), out.resolve(id + "_mask.png"));
    ImageFiles.writePng(Pictures.heatMap(probability, w, h, 0, 1), out.resolve(id + "_probability.png"));
    double maxVariance = 0;
    for (float v : aleatoric) {
      maxVariance = Math.max(maxVariance, v);
    }
    ImageFiles.writePng(Pictures.heatMap(aleatoric, w, h, 0, maxVariance), out.resolve(id + "_aleatoric.png"));
    ImageFiles.writePng(Pictures.overlay(image, mask, 0x00ff40), out.resolve(id + "_overlay.png"));
    return String.format(Locale.ROOT, "%s,%d,%d,%.5f,%.5f,%.5f", id, w, h, mean(mask), mean(probability),
        mean(aleatoric));
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
