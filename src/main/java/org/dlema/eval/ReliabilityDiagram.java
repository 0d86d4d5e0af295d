package org.dlema.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A reliability diagram drawn with Java2D: per probability bin, the observed lesion frequency as a bar against the
 * diagonal of perfect calibration, with the gap to the bin's mean probability shaded and the ECE in the title.
 */
public final class ReliabilityDiagram {
  private static final int SIZE = 360;
  private static final int MARGIN = 48;

  private ReliabilityDiagram() {}

  public static BufferedImage draw(String title, Calibration calibration) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, SIZE, SIZE);
      int plot = SIZE - 2 * MARGIN;
      int bins = calibration.bins();
      double width = (double) plot / bins;
      for (int b = 0; b < bins; b++) {
        if (calibration.count(b) == 0) {
          continue;
        }
        int x = MARGIN + (int) Math.round(b * width);
        int w = Math.max(1, (int) Math.round((b + 1) * width) - (int) Math.round(b * width) - 1);
        int frequency = (int) Math.round(calibration.frequency(b) * plot);
        int expected = (int) Math.round(calibration.meanProbability(b) * plot);
        g.setColor(new Color(0x3b6fb6));
        g.fillRect(x, MARGIN + plot - frequency, w, frequency);
        g.setColor(new Color(230, 80, 60, 110));
        int top = MARGIN + plot - Math.max(frequency, expected);
        g.fillRect(x, top, w, Math.abs(frequency - expected));
      }
      g.setColor(Color.DARK_GRAY);
      g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
      g.drawLine(MARGIN, MARGIN + plot, MARGIN + plot, MARGIN);
      g.setStroke(new BasicStroke(1));
      g.drawRect(MARGIN, MARGIN, plot, plot);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int k = 0; k <= 4; k++) {
        String label = String.format(Locale.ROOT, "%.2f", k / 4.0);
        int at = MARGIN + k * plot / 4;
        g.drawString(label, at - 10, MARGIN + plot + 14);
        g.drawString(label, MARGIN - 32, MARGIN + plot - k * plot / 4 + 4);
      }
      g.drawString("predicted probability", MARGIN + plot / 2 - 55, SIZE - 10);
      g.drawString("lesion frequency", 4, MARGIN - 6);
      g.drawString(String.format(Locale.ROOT, "ECE %.2f%%", 100 * calibration.expectedCalibrationError()),
          MARGIN + plot - 80, MARGIN - 6);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
      g.drawString(title, 4, 16);
    } finally {
      g.dispose();
    }
    return image;
  }
}
