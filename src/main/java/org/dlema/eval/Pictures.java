package org.dlema.eval;

import java.awt.image.BufferedImage;
import java.util.List;
import org.dlema.data.RgbImage;

/** Pictures of per-pixel maps: heat maps (probability, uncertainty), masks and outlines over the image. */
public final class Pictures {
  /** Anchors of a perceptually ordered dark-to-bright map (black, purple, orange, pale yellow). */
  private static final int[][] HEAT = {{0, 0, 4}, {80, 18, 123}, {183, 55, 121}, {252, 137, 97}, {252, 253, 191}};

  private Pictures() {}

  /** Maps values in [low, high] to the heat colour map; outside values are clamped. */
  public static BufferedImage heatMap(float[] values, int width, int height, double low, double high) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    double span = high > low ? high - low : 1;
    for (int i = 0; i < width * height; i++) {
      double t = Math.max(0, Math.min(1, (values[i] - low) / span)) * (HEAT.length - 1);
      int k = Math.min(HEAT.length - 2, (int) t);
      double f = t - k;
      int rgb = 0;
      for (int c = 0; c < 3; c++) {
        rgb = (rgb << 8) | (int) Math.round(HEAT[k][c] + f * (HEAT[k + 1][c] - HEAT[k][c]));
      }
      out.setRGB(i % width, i / width, rgb);
    }
    return out;
  }

  /**
   * A horizontal colour bar of the heat map from {@code low} to {@code high}, with the title and the two ends
   * written under it ("≥" marks the clamped top). Needs fonts: a JDK without them throws.
   */
  public static BufferedImage colourBar(double low, double high, String title) {
    int width = 256;
    int bar = 16;
    float[] ramp = new float[width * bar];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = (float) (low + (high - low) * (i % width) / (width - 1));
    }
    BufferedImage out = new BufferedImage(width + 16, bar + 36, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    try {
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.drawImage(heatMap(ramp, width, bar, low, high), 8, 4, null);
      g.setColor(java.awt.Color.BLACK);
      g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
      java.awt.FontMetrics metrics = g.getFontMetrics();
      String top = (high == 1 && low == 0 ? "" : "≥ ") + number(high);
      g.drawString(number(low), 8, bar + 18);
      g.drawString(top, 8 + width - metrics.stringWidth(top), bar + 18);
      g.drawString(title, 8 + (width - metrics.stringWidth(title)) / 2, bar + 32);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static String number(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /** White where the value is at least one half. */
  public static BufferedImage mask(float[] values, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < width * height; i++) {
      out.getRaster().setSample(i % width, i / width, 0, values[i] >= 0.5f ? 255 : 0);
    }
    return out;
  }

  /** The image with the mask's border drawn in {@code rgb} and its inside lightly tinted. */
  public static BufferedImage overlay(RgbImage image, float[] mask, int rgb) {
    int w = image.width();
    int h = image.height();
    BufferedImage out = image.toBufferedImage();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (mask[y * w + x] < 0.5f) {
          continue;
        }
        boolean border = isBorder(mask, w, h, x, y);
        int pixel = out.getRGB(x, y);
        out.setRGB(x, y, border ? rgb : blend(pixel, rgb, 0.25));
      }
    }
    return out;
  }

  /**
   * Outline colours of the annotations in their order, repeating after the last: orange, sky blue, magenta,
   * yellow, white, red (chosen to stand apart from each other and from the predictions' green).
   */
  public static final int[] PALETTE = {0xff9900, 0x33bbff, 0xff33cc, 0xffff33, 0xffffff, 0xff3333};

  /** Each mask's outline on the image, mask k in {@code PALETTE[k % PALETTE.length]}, later masks on top. */
  public static BufferedImage outlines(RgbImage image, List<float[]> masks) {
    int w = image.width();
    int h = image.height();
    BufferedImage out = image.toBufferedImage();
    for (int k = 0; k < masks.size(); k++) {
      float[] mask = masks.get(k);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if (mask[y * w + x] >= 0.5f && isBorder(mask, w, h, x, y)) {
            out.setRGB(x, y, PALETTE[k % PALETTE.length]);
          }
        }
      }
    }
    return out;
  }

  /** Whether pixel (x, y) of a mask is on the mask's outline: at the picture's edge or beside background. */
  private static boolean isBorder(float[] mask, int w, int h, int x, int y) {
    return x == 0 || y == 0 || x == w - 1 || y == h - 1 || mask[y * w + x - 1] < 0.5f
        || mask[y * w + x + 1] < 0.5f || mask[(y - 1) * w + x] < 0.5f || mask[(y + 1) * w + x] < 0.5f;
  }

  private static int blend(int a, int b, double weight) {
    int out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      int ca = (a >> shift) & 0xff;
      int cb = (b >> shift) & 0xff;
      out |= ((int) Math.round(ca + weight * (cb - ca))) << shift;
    }
    return out;
  }
}
