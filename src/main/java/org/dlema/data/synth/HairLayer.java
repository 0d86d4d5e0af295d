package org.dlema.data.synth;

import java.util.SplittableRandom;

/** Dark hair strands: thin anti-aliased quadratic Bezier curves composited over an image. */
final class HairLayer {
  private HairLayer() {}

  /** Draws 2-8 strands into an interleaved RGB float buffer of a size x size image. */
  static void paint(SplittableRandom rng, int size, float[] rgb) {
    // Coverage is max-combined across strands so crossings do not get darker than a single hair.
    float[] alpha = new float[size * size];
    int strands = rng.nextInt(2, 9);
    for (int i = 0; i < strands; i++) {
      drawStrand(rng, size, alpha);
    }
    double r = rng.nextDouble(20, 60);
    double[] colour = {r, r * 0.8, r * 0.7};
    for (int i = 0; i < alpha.length; i++) {
      float a = alpha[i];
      if (a > 0) {
        for (int c = 0; c < 3; c++) {
          rgb[3 * i + c] += (float) ((colour[c] - rgb[3 * i + c]) * a);
        }
      }
    }
  }

  private static void drawStrand(SplittableRandom rng, int size, float[] alpha) {
    // Start a little outside the frame too, so strands can enter from the edges as real hairs do.
    double x0 = size * rng.nextDouble(-0.1, 1.1);
    double y0 = size * rng.nextDouble(-0.1, 1.1);
    double angle = rng.nextDouble(2 * Math.PI);
    double length = size * rng.nextDouble(0.4, 1.2);
    double x2 = x0 + length * Math.cos(angle);
    double y2 = y0 + length * Math.sin(angle);
    double bend = length * rng.nextDouble(-0.3, 0.3);
    double x1 = (x0 + x2) / 2 - bend * Math.sin(angle);
    double y1 = (y0 + y2) / 2 + bend * Math.cos(angle);
    double halfWidth = rng.nextDouble(0.5, 1.0);
    double opacity = rng.nextDouble(0.75, 1.0);
    int steps = (int) Math.ceil(length * 2.5);
    int reach = (int) Math.ceil(halfWidth + 1);
    for (int s = 0; s <= steps; s++) {
      double t = (double) s / steps;
      double u = 1 - t;
      double px = u * u * x0 + 2 * u * t * x1 + t * t * x2;
      double py = u * u * y0 + 2 * u * t * y1 + t * t * y2;
      int cx = (int) Math.floor(px);
      int cy = (int) Math.floor(py);
      for (int y = Math.max(0, cy - reach); y <= Math.min(size - 1, cy + reach); y++) {
        for (int x = Math.max(0, cx - reach); x <= Math.min(size - 1, cx + reach); x++) {
          double dx = x + 0.5 - px;
          double dy = y + 0.5 - py;
          double coverage = Math.min(1, halfWidth + 0.5 - Math.sqrt(dx * dx + dy * dy)) * opacity;
          int i = y * size + x;
          if (coverage > alpha[i]) {
            alpha[i] = (float) coverage;
          }
        }
      }
    }
  }
}
