package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlema.data.DatasetException;
import org.dlema.eval.TemperatureScaling;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.Parameters;
import org.dlema.graph.SessionThreads;
import org.dlema.graph.Tensors;
import org.dlema.io.JsonFiles;
import org.dlema.train.CheckpointKind;
import org.dlema.train.FusionValidation;
import org.dlema.train.Checkpoints;
import org.dlema.train.PreparedSet;
import org.dlema.train.RunConfig;
import org.dlema.train.RunFolder;
import org.dlema.train.TrainingRun;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The temperature of a run's checkpoint ({@link TemperatureScaling}), fitted on the run's validation images and kept
 * in {@code calibration.json} in the run folder (for an ensemble, in each member's folder), so that every export of
 * that checkpoint serves the same calibrated probabilities and the data is read once.
 *
 * <p>The network runs in inference mode on the validation images at its input size. Its logits are scored against
 * the images' reference masks when every validation image has one (the data keeps {@code reference/}), otherwise
 * against every annotation of each image (a pixel counts once per annotation). The reference is the better target
 * where it exists: annotators disagree with each other more than with it, so a fit to the annotations makes the
 * probability estimate how often annotators mark a pixel, which is softer than how often it is lesion.
 */
public final class Calibrations {
  public static final String FILE = "calibration.json";
  /**
   * Fewer validation images than this give a warning, and export leaves such a run uncalibrated unless asked: one
   * temperature fitted on a handful of images is noisy. The same minimum as the fusion rule's choice.
   */
  public static final int FEW_IMAGES = FusionValidation.Scores.FEW_IMAGES;
  /** Validation images per session run, as training's validation batches them. */
  private static final int BATCH = 16;
  public static final String ANNOTATIONS = "every annotation of each validation image";
  public static final String REFERENCES = "the reference mask of each validation image";

  /**
   * {@code calibration.json}: the checkpoint's temperature and its effect on the validation pixels.
   *
   * @param checkpoint the checkpoint kind fitted ({@code best}, {@code latest} or {@code final})
   * @param step its training step; a file is reused for any checkpoint of the same step (the same weights)
   * @param temperature T: the served probability is sigmoid(logit / T)
   * @param pixels labelled pixels of the fit (pixels times annotations)
   * @param passes logits per pixel (MC-dropout passes averaged, else 1)
   */
  public record Temperature(CheckpointKind checkpoint, long step, double temperature, double validationNllBefore,
      double validationNllAfter, double validationEceBefore, double validationEceAfter, long pixels, int images,
      int passes, String targets) {}

  private Calibrations() {}

  /** The run's {@code calibration.json}, if it has one. */
  public static Optional<Temperature> read(Path run) throws IOException {
    Path file = run.resolve(FILE);
    return Files.isRegularFile(file) ? Optional.of(JsonFiles.read(file, Temperature.class)) : Optional.empty();
  }

  /**
   * The temperature of the run's checkpoint: its {@code calibration.json} when that was fitted at the checkpoint's
   * step, otherwise fitted now (see {@link #fit}).
   *
   * @param run a single network's run folder, or one member's folder of an ensemble
   */
  public static Temperature ensure(Path run, CheckpointKind checkpoint, PrintStream log) throws IOException {
    return ensure(List.of(run), checkpoint, log).get(0);
  }

  /**
   * {@link #ensure(Path, CheckpointKind, PrintStream)} for several runs, such as an ensemble's members: runs that share
   * their data, split and normalisation read the validation images once.
   */
  public static List<Temperature> ensure(List<Path> runs, CheckpointKind checkpoint, PrintStream log)
      throws IOException {
    Map<Source, PreparedSet> loaded = new HashMap<>();
    List<Temperature> temperatures = new ArrayList<>();
    for (Path run : runs) {
      Checkpoints.State state = ModelExporter.state(run, checkpoint);
      Optional<Temperature> stored;
      try {
        stored = read(run);
      } catch (IOException e) {
        log.println(e.getMessage() + "; fitting the temperature again");
        stored = Optional.empty();
      }
      if (stored.isPresent() && stored.get().step() == state.step() && stored.get().temperature() > 0
          && expectedTargets(run).map(stored.get().targets()::equals).orElse(true)) {
        temperatures.add(stored.get());
      } else {
        temperatures.add(fit(run, checkpoint, loaded, log));
      }
    }
    return temperatures;
  }

  /** What a fit would score against now, or empty when the run's data cannot be read (a stored fit is kept). */
  static Optional<String> expectedTargets(Path run) {
    try {
      return Optional.of(TrainingRun.validationHasReferences(run) ? REFERENCES : ANNOTATIONS);
    } catch (IOException | DatasetException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** What the fits on this set score against ({@link #ANNOTATIONS} or {@link #REFERENCES}). */
  static String targets(PreparedSet set) {
    return set.hasReferences() ? REFERENCES : ANNOTATIONS;
  }

  /** The labels one validation image is scored against: its reference mask, or each of its annotations. */
  static List<float[]> labels(PreparedSet set, int image) {
    return set.hasReferences() ? List.of(set.references()[image]) : List.of(set.masks()[image]);
  }

  /**
   * Fits the temperature of the run's checkpoint on its validation images and writes {@code calibration.json}
   * (atomically) into the run folder.
   *
   * @throws IOException when the run's data cannot be read or is not the data the run was trained on, or the run
   *     has no validation images; the message says so (export without calibration then)
   */
  public static Temperature fit(Path run, CheckpointKind checkpoint, PrintStream log) throws IOException {
    return fit(run, checkpoint, new HashMap<>(), log);
  }

  private static Temperature fit(Path run, CheckpointKind checkpoint, Map<Source, PreparedSet> loaded, PrintStream log)
      throws IOException {
    Checkpoints.State state = ModelExporter.state(run, checkpoint);
    RunConfig config = RunConfig.read(run);
    PreparedSet validation;
    try {
      Source source = Source.of(run, config);
      validation = loaded.get(source);
      if (validation == null) {
        validation = TrainingRun.validationImages(run, log);
        loaded.put(source, validation);
      }
    } catch (IOException | DatasetException | UncheckedIOException e) {
      throw new IOException(run + ": cannot fit a temperature on the run's validation images (" + e.getMessage()
          + "); make the training data readable again, or export without calibration", e);
    }
    if (validation.count() == 0) {
      throw new IOException(run + ": the run has no validation images to fit a temperature on; export without "
          + "calibration");
    }
    if (validation.count() < FEW_IMAGES) {
      log.println("warning: " + run + ": the temperature is fitted on " + validation.count() + " validation images; "
          + "with fewer than " + FEW_IMAGES + " it may raise the calibration error on new images (export without "
          + "calibration, or validate on more images)");
    }
    NetworkSpec spec = config.spec();
    float[][] logits = logits(spec, RunFolder.of(run).checkpoints().folder(checkpoint), validation);
    List<float[]> blocks = new ArrayList<>();
    List<float[]> labels = new ArrayList<>();
    for (int i = 0; i < validation.count(); i++) {
      for (float[] label : labels(validation, i)) {
        blocks.add(logits[i]);
        labels.add(label);
      }
    }
    int passes = spec.hasDropout() ? spec.mcPasses() : 1;
    TemperatureScaling.Fit fit = TemperatureScaling.fit(blocks, labels, passes);
    Temperature temperature = new Temperature(checkpoint, state.step(), fit.temperature(), fit.nllBefore(),
        fit.nllAfter(), fit.eceBefore(), fit.eceAfter(), fit.pixels(), validation.count(), passes, targets(validation));
    JsonFiles.write(run.resolve(FILE), temperature);
    log.printf("%s: temperature %.4f fitted on %d validation images against %s (NLL %.4f -> %.4f, ECE %.4f -> "
        + "%.4f)%n", run, fit.temperature(), validation.count(), validation.hasReferences() ? "their reference masks"
        : "their annotations", fit.nllBefore(), fit.nllAfter(), fit.eceBefore(), fit.eceAfter());
    return temperature;
  }

  /** What a run's prepared validation images depend on: runs that agree on all of it share them. */
  private record Source(Path data, String fingerprint, String split, String normalization, int side) {
    static Source of(Path run, RunConfig config) throws IOException {
      return new Source(config.data().toAbsolutePath().normalize(), config.dataFingerprint(),
          Files.readString(RunFolder.of(run).split()), Files.readString(RunFolder.of(run).normalization()),
          config.spec().inputSize());
    }
  }

  /** Per image, its inference logits laid out pixel by pixel with the passes of a pixel side by side. */
  private static float[][] logits(NetworkSpec spec, Path checkpoint, PreparedSet set) throws IOException {
    int side = spec.inputSize();
    int pixels = side * side;
    float[][] out = new float[set.count()][];
    try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
      LinkNet.Passes passes = new LinkNet(spec).passes(new Parameters(tf, 0, ""), images,
          LinkNet.batchSize(tf, images));
      int count = passes.count();
      Checkpoints.restore(session, checkpoint);
      for (int start = 0; start < set.count(); start += BATCH) {
        int n = Math.min(BATCH, set.count() - start);
        float[] batch = new float[n * pixels * 3];
        for (int k = 0; k < n; k++) {
          System.arraycopy(set.images()[start + k], 0, batch, k * pixels * 3, pixels * 3);
        }
        try (TFloat32 input = Tensors.of(batch, Shape.of(n, side, side, 3));
            Result result = session.runner().feed(images, input).fetch(passes.logit()).run()) {
          // Pass-major [count * n, side, side, 1] to one array per image of [pixel][pass].
          float[] all = Tensors.toArray((TFloat32) result.get(0));
          for (int k = 0; k < n; k++) {
            float[] image = new float[pixels * count];
            for (int pass = 0; pass < count; pass++) {
              int from = (pass * n + k) * pixels;
              for (int q = 0; q < pixels; q++) {
                image[q * count + pass] = all[from + q];
              }
            }
            out[start + k] = image;
          }
        }
      }
    }
    return out;
  }
}
