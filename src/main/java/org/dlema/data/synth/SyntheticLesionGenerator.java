package org.dlema.data.synth;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.SplittableRandom;
import org.dlema.data.BinaryMask;
import org.dlema.data.RgbImage;

/**
 * Procedural dermoscopy-like images with exact lesion masks, for tests and smoke training without the ISIC
 * data. Each image is a function of its seed alone; the generator holds no mutable state, so one instance
 * can serve many threads.
 */
public final class SyntheticLesionGenerator {
  /** One generated image and its ground-truth lesion mask. */
  public record Sample(RgbImage image, BinaryMask reference) {}

  private static final double[] LIGHT_SKIN = {238, 206, 190};
  private static final double[] MEDIUM_SKIN = {196, 146, 118};
  // Melanin absorbs short wavelengths more, which is what turns skin brown rather than grey.
  private static final double[] MELANIN_ABSORPTION = {0.7, 1.0, 1.15};
  // Even dense pigment reflects some light; without a floor dark lesions turn a saturated orange-black.
  private static final double[] PIGMENT_FLOOR = {40, 28, 25};
  // Deep (dermal) melanin looks blue-grey through the skin, as in blue-white veils.
  private static final double[] BLUE_GREY = {118, 124, 138};

  private final SyntheticLesionSettings settings;

  public SyntheticLesionGenerator(int size) {
    this(SyntheticLesionSettings.defaults(size));
  }

  public SyntheticLesionGenerator(SyntheticLesionSettings settings) {
    this.settings = checkNotNull(settings);
  }

  public SyntheticLesionSettings settings() {
    return settings;
  }

  public int size() {
    return settings.size();
  }

  public Sample generate(long seed) {
    int size = settings.size();
    SplittableRandom root = new SplittableRandom(seed);
    // One stream per layer, split in a fixed order, so that the hair or vignetting settings never change
    // the lesion itself: the same seed gives the same mask whatever the probabilities.
    SplittableRandom shapeRandom = root.split();
    SplittableRandom skinRandom = root.split();
    SplittableRandom pigmentRandom = root.split();
    SplittableRandom hairRandom = root.split();
    SplittableRandom opticsRandom = root.split();
    SplittableRandom sensorRandom = root.split();

    float[] skin = paintSkin(skinRandom, size);
    float[] rgb = skin.clone();
    BinaryMask reference = paintLesion(shapeRandom, pigmentRandom, size, skin, rgb);
    if (hairRandom.nextDouble() < settings.hairProbability()) {
      HairLayer.paint(hairRandom, size, rgb);
    }
    if (opticsRandom.nextDouble() < settings.vignettingProbability()) {
      vignette(opticsRandom, size, rgb);
    }
    return new Sample(quantize(sensorRandom, size, rgb), reference);
  }

  private static float[] paintSkin(SplittableRandom random, int size) {
    // Skewed towards light skin, like the public dermoscopy collections.
    double tone = Math.pow(random.nextDouble(), 1.5);
    double[] base = new double[3];
    for (int c = 0; c < 3; c++) {
      base[c] = LIGHT_SKIN[c] + (MEDIUM_SKIN[c] - LIGHT_SKIN[c]) * tone + random.nextDouble(-8, 8);
    }
    double shading = random.nextDouble(0.04, 0.1);
    double erythema = random.nextDouble(0, 14);
    float[] shade = ValueNoise.fractal(random, size, 2, 3);
    float[] redness = ValueNoise.fractal(random, size, 3, 2);
    float[] rgb = new float[size * size * 3];
    for (int i = 0; i < size * size; i++) {
      double light = 1 + shading * shade[i];
      double red = erythema * redness[i];
      rgb[3 * i] = (float) (base[0] * light + red);
      rgb[3 * i + 1] = (float) (base[1] * light - 0.5 * red);
      rgb[3 * i + 2] = (float) (base[2] * light - 0.3 * red);
    }
    return rgb;
  }

  /** Pigments the lesion over the skin (in rgb) and returns its mask. */
  private static BinaryMask paintLesion(SplittableRandom shapeRandom, SplittableRandom random, int size,
      float[] skin, float[] rgb) {
    LesionShape shape = LesionShape.random(shapeRandom, size);
    double edgeWidth = shapeRandom.nextDouble(1, 3);
    double density = random.nextDouble(0.5, 1.7);
    double centreBoost = random.nextDouble(0.2, 0.9);
    double blotchiness = random.nextDouble(0.25, 0.7);
    // Pigment is rarely symmetric: one side of the lesion is often darker than the other.
    double asymmetry = random.nextDouble(0, 0.35) / shape.radius();
    double asymmetryAngle = random.nextDouble(2 * Math.PI);
    double asymmetryX = asymmetry * Math.cos(asymmetryAngle);
    double asymmetryY = asymmetry * Math.sin(asymmetryAngle);
    boolean veiled = random.nextDouble() < 0.3;
    double veilThreshold = random.nextDouble(0, 0.3);
    double veilShade = random.nextDouble(0.7, 1);
    float[] blotches = ValueNoise.fractal(random, size, 4, 4);
    float[] veil = ValueNoise.fractal(random, size, 3, 2);
    double coreDepth = 0.6 * shape.radius();

    BinaryMask mask = new BinaryMask(size, size);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double d = shape.signedDistance(x + 0.5, y + 0.5);
        // Linear ramp across edgeWidth pixels centred on the outline, so weight >= 0.5 exactly inside it.
        double weight = clamp(0.5 - d / edgeWidth);
        if (weight <= 0) {
          continue;
        }
        int i = y * size + x;
        mask.set(i, weight >= 0.5);
        double core = smoothstep(0, coreDepth, -d);
        double tilt = 1 + asymmetryX * (x + 0.5 - shape.centreX()) + asymmetryY * (y + 0.5 - shape.centreY());
        // Floor keeps the rim visibly pigmented even where a light blotch meets a light lesion.
        double local = Math.max(0.35, density * tilt * (1 + centreBoost * core) * (1 + blotchiness * blotches[i]));
        double veilWeight = veiled ? 0.6 * core * smoothstep(veilThreshold, veilThreshold + 0.3, veil[i]) : 0;
        for (int c = 0; c < 3; c++) {
          int j = 3 * i + c;
          double pigmented = PIGMENT_FLOOR[c] + (skin[j] - PIGMENT_FLOOR[c]) * Math.exp(-local * MELANIN_ABSORPTION[c]);
          pigmented += (BLUE_GREY[c] * veilShade - pigmented) * veilWeight;
          rgb[j] = (float) (skin[j] + (pigmented - skin[j]) * weight);
        }
      }
    }
    return mask;
  }

  /** Darkens towards the corners, like the circular field of view of a contact dermatoscope. */
  private static void vignette(SplittableRandom random, int size, float[] rgb) {
    double strength = random.nextDouble(0.3, 0.85);
    double onset = random.nextDouble(0.5, 0.8);
    double half = size / 2.0;
    double halfDiagonal = half * Math.sqrt(2);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double dx = x + 0.5 - half;
        double dy = y + 0.5 - half;
        float factor = (float) (1 - strength * smoothstep(onset, 1, Math.sqrt(dx * dx + dy * dy) / halfDiagonal));
        int i = 3 * (y * size + x);
        rgb[i] *= factor;
        rgb[i + 1] *= factor;
        rgb[i + 2] *= factor;
      }
    }
  }

  /** Adds a little per-pixel sensor noise (so flat regions are not perfectly flat) and rounds to bytes. */
  private static RgbImage quantize(SplittableRandom random, int size, float[] rgb) {
    double amplitude = random.nextDouble(1.5, 4);
    RgbImage image = RgbImage.blank(size, size);
    byte[] out = image.data();
    for (int i = 0; i < rgb.length; i++) {
      // Sum of two uniforms: a cheap bell-shaped noise.
      double noise = amplitude * (random.nextDouble() + random.nextDouble() - 1);
      out[i] = (byte) Math.max(0, Math.min(255, Math.round(rgb[i] + noise)));
    }
    return image;
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : v > 1 ? 1 : v;
  }

  private static double smoothstep(double edge0, double edge1, double v) {
    double t = clamp((v - edge0) / (edge1 - edge0));
    return t * t * (3 - 2 * t);
  }
}
