package org.dlema.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The paper's Figures 3-4 for one image: a row per ensemble member with the image, the member's trusted
 * annotation, and for every annotation of the image its mask, its inconsistency map |trusted - annotation| and the
 * weight map the member learned for it (heat map; the colour scale is shared within a row, black = zero weight).
 */
public final class WeightPanel {
  /** One member's row: which annotation it trusts and its weight map per annotation (null when not sampled). */
  public record Row(String label, int trusted, List<float[]> weights) {}

  private static final int HEADER = 18;

  private WeightPanel() {}

  /**
   * @param image the image at the network's side, RGB
   * @param masks the image's annotations at the same side, 0/1
   * @param names each annotation's annotator, as the column headers and row labels name it
   */
  public static BufferedImage draw(BufferedImage image, List<float[]> masks, List<String> names, List<Row> rows,
      int side) {
    int cell = Math.max(side, 128);
    int columns = 2 + 3 * masks.size();
    BufferedImage panel = new BufferedImage(columns * cell, HEADER + rows.size() * (cell + HEADER),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = panel.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, panel.getWidth(), panel.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      label(g, "image", 2, HEADER - 5);
      label(g, "trusted", cell + 2, HEADER - 5);
      for (int k = 0; k < masks.size(); k++) {
        int x = (2 + 3 * k) * cell;
        label(g, names.get(k), x + 2, HEADER - 5);
        label(g, "|trusted - " + names.get(k) + "|", x + cell + 2, HEADER - 5);
        label(g, "weights for " + names.get(k), x + 2 * cell + 2, HEADER - 5);
      }
      for (int r = 0; r < rows.size(); r++) {
        Row row = rows.get(r);
        int y = HEADER + r * (cell + HEADER) + HEADER;
        float[] trusted = masks.get(row.trusted());
        double max = 0;
        for (float[] w : row.weights()) {
          if (w != null) {
            for (float v : w) {
              max = Math.max(max, v);
            }
          }
        }
        label(g, row.label() + " (trusts " + names.get(row.trusted()) + "; weights scaled to the row's "
            + "maximum, black = 0)", 2, y - 5);
        g.drawImage(image, 0, y, cell, cell, null);
        g.drawImage(Pictures.mask(trusted, side, side), cell, y, cell, cell, null);
        for (int k = 0; k < masks.size(); k++) {
          int x = (2 + 3 * k) * cell;
          float[] mask = masks.get(k);
          float[] inconsistency = new float[mask.length];
          for (int p = 0; p < mask.length; p++) {
            inconsistency[p] = Math.abs(trusted[p] - mask[p]);
          }
          g.drawImage(Pictures.mask(mask, side, side), x, y, cell, cell, null);
          g.drawImage(Pictures.mask(inconsistency, side, side), x + cell, y, cell, cell, null);
          float[] weights = row.weights().get(k);
          if (weights != null) {
            g.drawImage(Pictures.heatMap(weights, side, side, 0, max), x + 2 * cell, y, cell, cell, null);
          } else {
            label(g, "not sampled", x + 2 * cell + 4, y + cell / 2);
          }
        }
      }
      return panel;
    } finally {
      g.dispose();
    }
  }

  private static void label(Graphics2D g, String text, int x, int y) {
    g.setColor(Color.BLACK);
    g.drawString(text, x, y);
  }
}
