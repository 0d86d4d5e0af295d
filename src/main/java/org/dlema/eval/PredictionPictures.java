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
 * (heat map 0..1), {@code <id>_aleatoric.png} (heat map of the predicted variance on 0..{@value #ALEATORIC_TOP})
 * and {@code <id>_overlay.png} (the mask's outline on the image), and for an ensemble or MC dropout
 * {@code <id>_epistemic.png} (the variance of the probability across members or passes, heat map on
 * 0..{@value #EPISTEMIC_TOP}). Every image shares these fixed scales, so two images' maps compare; a value above a
 * scale's top takes the top colour. {@link #writeColourBars} draws each scale once.
 */
public final class PredictionPictures {
  public static final String CSV_HEADER = "image,width,height,lesion_fraction,mean_probability,mean_aleatoric,"
      + "mean_epistemic";
  /** The aleatoric map's top: a logit variance of 4 (standard deviation 2), past the largest of most images. */
  public static final double ALEATORIC_TOP = 4;
  /** The epistemic map's top: a probability variance of 1/16 (members or passes spread by 0.25). */
  public static final double EPISTEMIC_TOP = 0.0625;

  private PredictionPictures() {}

  /** The colour-bar files {@link #writeColourBars} writes, one per heat map. */
  public static List<String> colourBarNames() {
    return List.of("colourbar_probability.png", "colourbar_aleatoric.png", "colourbar_epistemic.png");
  }

  /**
   * Draws the three heat-map scales into {@code out}; returns false, having written none, where the JDK cannot
   * draw text (no fonts).
   */
  public static boolean writeColourBars(Path out) throws IOException {
    List<String> names = colourBarNames();
    List<java.awt.image.BufferedImage> bars;
    try {
      bars = List.of(Pictures.colourBar(0, 1, "probability"),
          Pictures.colourBar(0, ALEATORIC_TOP, "aleatoric variance (logit)"),
          Pictures.colourBar(0, EPISTEMIC_TOP, "epistemic variance (probability)"));
    } catch (RuntimeException | LinkageError | InternalError e) {
      return false;
    }
    for (int k = 0; k < names.size(); k++) {
      ImageFiles.writePng(bars.get(k), out.resolve(names.get(k)));
    }
    return true;
  }

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
    ImageFiles.writePng(Pictures.heatMap(aleatoric, w, h, 0, ALEATORIC_TOP), out.resolve(id + "_aleatoric.png"));
    if (epistemic != null) {
      ImageFiles.writePng(Pictures.heatMap(epistemic, w, h, 0, EPISTEMIC_TOP), out.resolve(id + "_epistemic.png"));
    }
    ImageFiles.writePng(Pictures.overlay(image, mask, 0x00ff40), out.resolve(id + "_overlay.png"));
    return String.format(Locale.ROOT, "%s,%d,%d,%.5f,%.5f,%.5f,%s", CsvLine.join(id), w, h, mean(mask),
        mean(probability), mean(aleatoric),
        epistemic == null ? "" : String.format(Locale.ROOT, "%.6f", mean(epistemic)));
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
