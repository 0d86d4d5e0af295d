package org.dlema.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** Line charts drawn with Java2D, for progress plots that need nothing beyond the JDK. */
public final class Charts {
  /** One line: (x, y) points in order, and its legend label. */
  public record Series(String label, double[] x, double[] y, Color colour) {}

  private static final int MARGIN_LEFT = 60;
  private static final int MARGIN_RIGHT = 20;
  private static final int MARGIN_TOP = 30;
  private static final int MARGIN_BOTTOM = 40;

  private Charts() {}

  public static BufferedImage lines(String title, String xLabel, List<Series> series, int width, int height) {
    return lines(title, xLabel, series, width, height, null);
  }

  /**
   * The same with named x positions: {@code xTicks.get(i)} labels x = i (series then use x = 0, 1, ...), for
   * settings that are categories rather than numbers.
   */
  public static BufferedImage lines(String title, String xLabel, List<Series> series, int width, int height,
      List<String> xTicks) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      double minX = Double.POSITIVE_INFINITY;
      double maxX = Double.NEGATIVE_INFINITY;
      double minY = Double.POSITIVE_INFINITY;
      double maxY = Double.NEGATIVE_INFINITY;
      for (Series s : series) {
        for (int i = 0; i < s.x().length; i++) {
          if (Double.isFinite(s.y()[i])) {
            minX = Math.min(minX, s.x()[i]);
            maxX = Math.max(maxX, s.x()[i]);
            minY = Math.min(minY, s.y()[i]);
            maxY = Math.max(maxY, s.y()[i]);
          }
        }
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.BLACK);
      g.drawString(title, MARGIN_LEFT, 18);
      int plotW = width - MARGIN_LEFT - MARGIN_RIGHT;
      int plotH = height - MARGIN_TOP - MARGIN_BOTTOM;
      g.drawRect(MARGIN_LEFT, MARGIN_TOP, plotW, plotH);
      g.drawString(xLabel, MARGIN_LEFT + plotW / 2 - 20, height - 8);
      if (!Double.isFinite(minX)) {
        return image;
      }
      if (xTicks != null) {
        // Half a step of room either side, so the first and last categories are not on the frame.
        minX = -0.5;
        maxX = xTicks.size() - 0.5;
      }
      if (maxX == minX) {
        maxX = minX + 1;
      }
      if (maxY == minY) {
        maxY = minY + 1;
      }
      for (int t = 0; t <= 4; t++) {
        double yValue = minY + (maxY - minY) * t / 4;
        int py = MARGIN_TOP + plotH - (int) Math.round(plotH * t / 4.0);
        g.setColor(new Color(230, 230, 230));
        g.drawLine(MARGIN_LEFT + 1, py, MARGIN_LEFT + plotW - 1, py);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%.3g", yValue), 4, py + 4);
        if (xTicks == null) {
          double xValue = minX + (maxX - minX) * t / 4;
          int px = MARGIN_LEFT + (int) Math.round(plotW * t / 4.0);
          g.drawString(String.format(Locale.ROOT, "%.0f", xValue), px - 12, MARGIN_TOP + plotH + 16);
        }
      }
      for (int i = 0; xTicks != null && i < xTicks.size(); i++) {
        int px = MARGIN_LEFT + (int) Math.round(plotW * (i - minX) / (maxX - minX));
        int textWidth = g.getFontMetrics().stringWidth(xTicks.get(i));
        g.drawString(xTicks.get(i), Math.max(0, Math.min(width - textWidth, px - textWidth / 2)),
            MARGIN_TOP + plotH + 16);
      }
      int legendY = MARGIN_TOP + 16;
      for (Series s : series) {
        g.setColor(s.colour());
        g.setStroke(new BasicStroke(1.6f));
        int previousX = -1;
        int previousY = -1;
        for (int i = 0; i < s.x().length; i++) {
          if (!Double.isFinite(s.y()[i])) {
            continue;
          }
          int px = MARGIN_LEFT + (int) Math.round(plotW * (s.x()[i] - minX) / (maxX - minX));
          int py = MARGIN_TOP + plotH - (int) Math.round(plotH * (s.y()[i] - minY) / (maxY - minY));
          if (previousX >= 0) {
            g.drawLine(previousX, previousY, px, py);
          }
          g.fillOval(px - 2, py - 2, 4, 4);
          previousX = px;
          previousY = py;
        }
        g.drawString(s.label(), MARGIN_LEFT + plotW - 200, legendY);
        legendY += 15;
      }
      return image;
    } finally {
      g.dispose();
    }
  }
}
