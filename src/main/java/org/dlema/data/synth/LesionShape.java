package org.dlema.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A lesion outline: a main star-shaped lobe whose radius is a low-order Fourier series in the polar angle,
 * unioned with up to two smaller overlapping satellite lobes.
 */
final class LesionShape {
  private static final int FIRST_HARMONIC = 2;
  private static final int LAST_HARMONIC = 7;

  /** One star-shaped lobe; r(theta) = radius * (1 + sum_k cosTerm[k] cos(k theta) - sinTerm[k] sin(k theta)). */
  private record Lobe(double cx, double cy, double radius, double[] cosTerms, double[] sinTerms) {
    /** Radial (not Euclidean) distance to the outline, negative inside; close enough for smooth outlines. */
    double signedDistance(double x, double y) {
      double dx = x - cx;
      double dy = y - cy;
      double rho = Math.sqrt(dx * dx + dy * dy);
      // At the centre itself any direction will do.
      double c = rho > 1e-9 ? dx / rho : 1;
      double s = rho > 1e-9 ? dy / rho : 0;
      // cos/sin of k*theta by repeated complex multiplication: no trigonometric calls per pixel.
      double ck = c;
      double sk = s;
      double sum = 0;
      for (int k = FIRST_HARMONIC; k <= LAST_HARMONIC; k++) {
        double next = ck * c - sk * s;
        sk = sk * c + ck * s;
        ck = next;
        sum += cosTerms[k] * ck - sinTerms[k] * sk;
      }
      return rho - radius * (1 + sum);
    }
  }

  private final List<Lobe> lobes;
  private final double radius;

  private LesionShape(List<Lobe> lobes, double radius) {
    this.lobes = lobes;
    this.radius = radius;
  }

  /**
   * A random outline for a size x size image. The bounds keep it inside a circle of ~0.64 * size around the
   * image centre (corners are at 0.707 * size, so the mask is never full) and keep the main lobe's centre
   * pixel inside the outline (so it is never empty).
   */
  static LesionShape random(SplittableRandom rng, int size) {
    double cx = size * (0.5 + rng.nextDouble(-0.05, 0.05));
    double cy = size * (0.5 + rng.nextDouble(-0.05, 0.05));
    double radius = size * rng.nextDouble(0.12, 0.35);
    // Some lesions are near-round naevi, others ragged; one scale factor spans both.
    double irregularity = rng.nextDouble(0.25, 1);
    List<Lobe> lobes = new ArrayList<>();
    lobes.add(lobe(rng, cx, cy, radius, irregularity));
    double roll = rng.nextDouble();
    int satellites = roll < 0.5 ? 0 : roll < 0.8 ? 1 : 2;
    for (int i = 0; i < satellites; i++) {
      double angle = rng.nextDouble(2 * Math.PI);
      // Close enough to the main lobe to overlap it, so the union stays one connected lesion.
      double offset = radius * rng.nextDouble(0.55, 0.85);
      double satelliteRadius = radius * rng.nextDouble(0.3, 0.55);
      lobes.add(lobe(rng, cx + offset * Math.cos(angle), cy + offset * Math.sin(angle), satelliteRadius,
          irregularity * 0.6));
    }
    return new LesionShape(List.copyOf(lobes), radius);
  }

  private static Lobe lobe(SplittableRandom rng, double cx, double cy, double radius, double irregularity) {
    double[] cosTerms = new double[LAST_HARMONIC + 1];
    double[] sinTerms = new double[LAST_HARMONIC + 1];
    for (int k = FIRST_HARMONIC; k <= LAST_HARMONIC; k++) {
      // k = 2 (elongation) may be strong; higher orders decay. Sum of |a_k| <= 0.39 keeps r(theta) >= 0.61 R.
      double maxAmplitude = k == FIRST_HARMONIC ? 0.18 : 0.09 / Math.pow(k - 1, 0.6);
      double amplitude = irregularity * maxAmplitude * rng.nextDouble();
      double phase = rng.nextDouble(2 * Math.PI);
      cosTerms[k] = amplitude * Math.cos(phase);
      sinTerms[k] = amplitude * Math.sin(phase);
    }
    return new Lobe(cx, cy, radius, cosTerms, sinTerms);
  }

  /** Signed distance of (x, y) to the union outline, in pixels, negative inside. */
  double signedDistance(double x, double y) {
    double d = Double.POSITIVE_INFINITY;
    for (Lobe lobe : lobes) {
      d = Math.min(d, lobe.signedDistance(x, y));
    }
    return d;
  }

  double centreX() {
    return lobes.get(0).cx();
  }

  double centreY() {
    return lobes.get(0).cy();
  }

  /** Nominal radius of the main lobe, in pixels. */
  double radius() {
    return radius;
  }
}
