package org.dlema.data.synth;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dlema.data.BinaryMask;

/**
 * Simulated expert annotators on top of a reference mask, in the styles of the three ISIC pipelines. Each annotator
 * has a persistent style and bias plus per-image noise and a small chance of a gross error. Everything is a pure
 * function of the settings' seed and the image id, so images can be annotated in any order or in parallel.
 */
public final class AnnotatorSimulator {
  /** One simulated annotation: who drew it and the mask. */
  public record SimulatedAnnotation(AnnotatorProfile annotator, BinaryMask mask) {}

  /**
   * Scales the profiles so that disagreement 1.0 gives a mean pairwise kappa of 0.67 on ISIC 2018 lesions. Measured
   * over its 2000 masks with the ISIC annotation counts, seeds 1 and 2: 1.82 gave 0.669 and 0.668, 1.86 gave 0.664.
   * IsicDataTest guards the result.
   */
  static final double KAPPA_CALIBRATION = 1.82;

  private final SimulatorSettings settings;
  private final List<AnnotatorProfile> annotators;

  public AnnotatorSimulator(SimulatorSettings settings) {
    this.settings = settings;
    this.annotators = pool(settings);
  }

  public SimulatorSettings settings() {
    return settings;
  }

  public List<AnnotatorProfile> annotators() {
    return annotators;
  }

  /**
   * The pool cycles through the three styles, so every style is present once there are three annotators. Within a
   * style the persistent habits are spread evenly over the style's range rather than drawn at random: a random pool
   * of a few annotators would make the dataset's agreement depend on the seed far more than on the settings.
   */
  private static List<AnnotatorProfile> pool(SimulatorSettings settings) {
    AnnotationStyle[] styles = AnnotationStyle.values();
    double s = settings.disagreement() * KAPPA_CALIBRATION;
    List<AnnotatorProfile> pool = new ArrayList<>();
    for (int i = 0; i < settings.annotators(); i++) {
      AnnotationStyle style = styles[i % styles.length];
      int ofStyle = (settings.annotators() - style.ordinal() + styles.length - 1) / styles.length;
      int rank = i / styles.length;
      double q = (rank + 0.5) / ofStyle;
      String name = "annotator" + (i + 1);
      AnnotatorProfile profile = switch (style) {
        case AUTOMATIC -> new AnnotatorProfile(name, style, s * lerp(-0.08, 0.0, q), s * 0.04, s * 0.04, s * 1.5,
            0.0, 0);
        case SEMI_AUTOMATIC -> new AnnotatorProfile(name, style, s * (rank % 2 == 0 ? 1 : -1) * lerp(0.04, 0.12, q),
            s * 0.05, s * 0.07, 0.0, lerp(0.05, 0.10, q), 0);
        case MANUAL_POLYGON -> new AnnotatorProfile(name, style, s * lerp(0.06, 0.16, q), s * 0.05, s * 0.03, 0.0,
            0.0, (int) Math.round(lerp(14, 6, q)));
      };
      if (i == 0 && settings.biasedAnnotator() != 0) {
        // Not scaled by the disagreement: the bias is the experiment's variable, in lesion radii as given.
        profile = new AnnotatorProfile(name + " (biased)", style, profile.bias() + settings.biasedAnnotator(),
            profile.imageBiasSd(), profile.wobble(), profile.jaggedPixels(), profile.smoothing(), profile.vertices());
      }
      pool.add(profile);
    }
    return List.copyOf(pool);
  }

  /** Annotation counts for images listed in a fixed order (see {@link AnnotationCounts#allocate}). */
  public int[] annotationCounts(int images) {
    return settings.counts().allocate(images, settings.seed());
  }

  /** {@code count} annotations of one image by distinct annotators drawn at random from the pool. */
  public List<SimulatedAnnotation> annotate(String imageId, BinaryMask reference, int count) {
    SplittableRandom random = new SplittableRandom(Hashing.murmur3_128((int) settings.seed())
        .newHasher().putLong(settings.seed()).putString(imageId, StandardCharsets.UTF_8).hash().asLong());
    int[] order = new int[annotators.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    List<SimulatedAnnotation> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      int j = k + random.nextInt(order.length - k);
      int swap = order[k];
      order[k] = order[j];
      order[j] = swap;
      AnnotatorProfile annotator = annotators.get(order[k]);
      out.add(new SimulatedAnnotation(annotator, draw(annotator, reference, random.split())));
    }
    return out;
  }

  /** One annotator's mask of a lesion. */
  public BinaryMask draw(AnnotatorProfile a, BinaryMask reference, SplittableRandom random) {
    if (reference.isEmpty()) {
      return reference.copy();
    }
    int w = reference.width();
    int h = reference.height();
    double r = Math.max(2.0, MaskGeometry.equivalentRadius(reference));
    double bias = (a.bias() + a.imageBiasSd() * random.nextGaussian()) * r;
    float[] signed = MaskGeometry.signedDistance(reference);
    float[] wobble = ValueNoise.field(random, w, h, Math.max(4.0, 0.6 * r));
    float[] jagged = a.jaggedPixels() > 0 ? ValueNoise.field(random, w, h, 2.0) : null;
    BinaryMask mask = new BinaryMask(w, h);
    for (int i = 0; i < signed.length; i++) {
      double offset = bias + a.wobble() * r * wobble[i] + (jagged == null ? 0 : a.jaggedPixels() * jagged[i]);
      mask.set(i, signed[i] < offset);
    }
    if (a.smoothing() > 0) {
      mask = MaskGeometry.smooth(mask, a.smoothing() * r);
    }
    if (a.style() == AnnotationStyle.MANUAL_POLYGON && !mask.isEmpty()) {
      mask = polygonAround(mask, a.vertices(), 0.04 * r, random);
    }
    if (random.nextDouble() < settings.grossErrorProbability()) {
      grossError(mask, reference, r, random);
    }
    return mask;
  }

  /**
   * A hand-drawn polygon: vertices at evenly spread angles around the centroid, each on the farthest foreground pixel
   * along its ray, so concavities are bridged (hence "usually generous").
   */
  private static BinaryMask polygonAround(BinaryMask mask, int vertices, double jitter, SplittableRandom random) {
    double[] c = MaskGeometry.centroid(mask);
    double phase = random.nextDouble() * 2 * Math.PI / vertices;
    double[] xs = new double[vertices];
    double[] ys = new double[vertices];
    double limit = Math.hypot(mask.width(), mask.height());
    for (int k = 0; k < vertices; k++) {
      double angle = phase + 2 * Math.PI * k / vertices;
      double dx = Math.cos(angle);
      double dy = Math.sin(angle);
      double reach = 0;
      for (double t = 0; t < limit; t += 0.5) {
        int x = (int) Math.floor(c[0] + t * dx);
        int y = (int) Math.floor(c[1] + t * dy);
        if (x < 0 || y < 0 || x >= mask.width() || y >= mask.height()) {
          break;
        }
        if (mask.get(x, y)) {
          reach = t + 0.5;
        }
      }
      reach = Math.max(0, reach + jitter * random.nextGaussian());
      xs[k] = c[0] + reach * dx;
      ys[k] = c[1] + reach * dy;
    }
    BinaryMask polygon = MaskGeometry.fillPolygon(mask.width(), mask.height(), xs, ys);
    return polygon.isEmpty() ? mask : polygon;
  }

  /** A missed lobe (a bite out of the lesion) or a spill into the skin, centred on a border pixel. */
  private static void grossError(BinaryMask mask, BinaryMask reference, double r, SplittableRandom random) {
    double[] c = MaskGeometry.centroid(reference);
    double angle = random.nextDouble() * 2 * Math.PI;
    double size = r * (0.4 + 0.4 * random.nextDouble());
    boolean spill = random.nextBoolean();
    double distance = r * (spill ? 1.2 : 0.9);
    double cx = c[0] + distance * Math.cos(angle);
    double cy = c[1] + distance * Math.sin(angle);
    MaskGeometry.paintEllipse(mask, cx, cy, size * (0.7 + 0.6 * random.nextDouble()), size, spill);
  }

  private static double lerp(double from, double to, double t) {
    return from + (to - from) * t;
  }
}
