package org.dlema.export;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.ServingGraph;
import org.dlema.graph.SessionThreads;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.train.CheckpointKind;
import org.dlema.train.Checkpoints;
import org.dlema.train.RunConfig;
import org.dlema.train.RunFolder;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;

/**
 * Writes one trained network as a SavedModel in TF Serving's layout, {@code <root>/<name>/<version>/}: tag
 * {@code serve}, signature {@code serving_default} with method {@code tensorflow/serving/predict} (the exporter's
 * default method name is empty, which TF Serving's Predict API rejects), and {@code assets.extra/model_card.json}.
 * The version folder is written elsewhere and renamed into place, so it appears complete or not at all.
 */
public final class ModelExporter {
  public static final String SERVE = "serve";
  public static final String DEFAULT_SIGNATURE = "serving_default";
  /** The signature that takes one encoded image file and also answers with PNG files. */
  public static final String BYTES_SIGNATURE = "image_bytes";
  // TF Serving's REST API writes a string output as {"b64": ...} only when its alias ends in "_bytes" (otherwise as
  // raw text, which a PNG file is not), hence the suffix.
  public static final String MASK_PNG = "mask_png_bytes";
  public static final String PROBABILITY_PNG = "probability_png_bytes";
  public static final String PREDICT = "tensorflow/serving/predict";
  /** An MC-dropout model's output holding each pass's probability, one channel per pass. */
  public static final String PASS_PROBABILITIES = "pass_probabilities";
  public static final String CARD = "assets.extra/model_card.json";

  private ModelExporter() {}

  /** Only the last element of a path: a model card travels, the machine's folders should not. */
  static String folderName(Path path) {
    Path name = path.toAbsolutePath().normalize().getFileName();
    return name == null ? "" : name.toString();
  }

  /** The next free integer version under {@code root/name} (1 for a new model). */
  public static int nextVersion(Path modelFolder) throws IOException {
    if (!Files.isDirectory(modelFolder)) {
      return 1;
    }
    try (Stream<Path> entries = Files.list(modelFolder)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
          .mapToInt(Integer::parseInt).max().orElse(0) + 1;
    }
  }

  /** The version folder of a model. */
  public static Path versionFolder(Path root, String name, int version) {
    return root.resolve(name).resolve(Integer.toString(version));
  }

  /** The checkpoint's state, or an error naming the run when it has none of that kind. */
  static Checkpoints.State state(Path run, CheckpointKind checkpoint) throws IOException {
    return RunFolder.of(run).checkpoints().state(checkpoint).orElseThrow(() -> new IOException(
        run + ": no '" + checkpoint + "' checkpoint (train the run first)"));
  }

  /**
   * Exports the single-network run of {@code request}; the served probability is temperature-scaled when its
   * calibration asks, the temperature coming from the run's {@code calibration.json}, fitted on its validation
   * images first when missing ({@link Calibrations#ensure}).
   *
   * @param log where the fit reports
   * @return the version folder written
   */
  public static Path export(ExportRequest request, PrintStream log) throws IOException {
    Path run = request.run();
    state(run, request.checkpoint());
    Path target = versionFolder(request.root(), request.name(), request.version());
    try (AtomicDirectory dir = AtomicDirectory.create(target)) {
      write(run, request.checkpoint(), dir.path(), request.name(), request.version(),
          temperature(run, request.checkpoint(), request.calibration(), log));
      dir.commit();
    }
    ServingConfig.write(request.root());
    return target;
  }

  /** The run's temperature, or null when the export is not calibrated. */
  static Double temperature(Path run, CheckpointKind checkpoint, ProbabilityCalibration calibration, PrintStream log)
      throws IOException {
    return calibration != ProbabilityCalibration.NONE
        ? Calibrations.ensure(run, checkpoint, log).temperature() : null;
  }

  /**
   * Writes the SavedModel of a single-network run into {@code folder}, an empty staging folder.
   *
   * @param temperature the logit's divisor before the sigmoid, or null to serve the network as trained
   */
  static void write(Path run, CheckpointKind checkpoint, Path folder, String name, int version, Double temperature)
      throws IOException {
    RunConfig config = RunConfig.read(run);
    Normalization normalization = Normalization.load(RunFolder.of(run).normalization());
    Checkpoints.State state = state(run, checkpoint);
    try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
      Ops tf = Ops.create(graph);
      ServingGraph.Endpoints endpoints = ServingGraph.single(tf, config.spec(), normalization.mean(),
          normalization.std(), "", temperature == null ? 1 : temperature);
      List<Signature> signatures = new ArrayList<>();
      for (boolean encoded : new boolean[] {false, true}) {
        Signature.Builder builder = encoded
            ? encoded(Signature.builder().key(BYTES_SIGNATURE), endpoints.input(), endpoints.pngs())
            : Signature.builder().key(DEFAULT_SIGNATURE).methodName(PREDICT).input(ServingGraph.IMAGE,
                endpoints.image());
        builder.output("probability", endpoints.probability()).output("mask", endpoints.mask())
            .output("aleatoric", endpoints.aleatoric());
        if (endpoints.epistemic() != null) {
          builder.output("epistemic", endpoints.epistemic())
              .output(PASS_PROBABILITIES, endpoints.passProbabilities());
        }
        signatures.add(builder.build());
      }
      Checkpoints.restore(session, RunFolder.of(run).checkpoints().folder(checkpoint));
      save(session, folder, signatures);
      Warmup.write(folder, name, signatures.stream().map(Signature::key).toList());
    }
    ModelCard card = new ModelCard(name, version, config.spec().hasDropout() ? "MC-dropout network, "
        + config.spec().mcPasses() + " passes averaged" : "single network", DEFAULT_SIGNATURE, PREDICT,
        ModelCard.singleModelInputs(),
        ModelCard.singleModelOutputs(config.spec().hasDropout() ? config.spec().mcPasses() : 0, temperature != null),
        normalisation(normalization), temperature, config.spec(), training(run, config, checkpoint, state),
        RunConfig.Versions.current(), Instant.now().toString(), null);
    JsonFiles.write(folder.resolve(CARD), card);
  }

  /** A signature over the encoded file: its input, and the PNG outputs beside the maps the caller adds. */
  static Signature.Builder encoded(Signature.Builder builder, ServingGraph.Input input, ServingGraph.Pngs pngs) {
    return builder.methodName(PREDICT).input(ServingGraph.IMAGE_BYTES, input.imageBytes())
        .output(MASK_PNG, pngs.mask()).output(PROBABILITY_PNG, pngs.probability());
  }

  static ModelCard.Normalisation normalisation(Normalization normalization) {
    return new ModelCard.Normalisation(normalization.mean(), normalization.std(),
        "applied inside the graph after resizing: (pixel - mean) / std");
  }

  static ModelCard.Training training(Path run, RunConfig config, CheckpointKind checkpoint, Checkpoints.State state) {
    return new ModelCard.Training(folderName(run), config.method().id(), checkpoint,
        state == null ? null : state.step(), state == null ? null : state.validationJaccard(),
        config.dataFingerprint(), folderName(config.data()), config.settings(), Map.of());
  }

  /** Writes the session's variables and the signatures as a SavedModel into the empty folder {@code folder}. */
  static void save(Session session, Path folder, List<Signature> signatures) throws IOException {
    // The exporter creates the folder itself.
    Files.delete(folder);
    SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(folder.toString()).withTags(SERVE)
        .withSession(session);
    for (Signature signature : signatures) {
      exporter.withFunction(SessionFunction.create(signature, session));
    }
    exporter.export();
  }
}
