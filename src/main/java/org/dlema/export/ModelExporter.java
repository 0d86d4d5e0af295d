package org.dlema.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.dlema.data.preprocess.Normalization;
import org.dlema.graph.ServingGraph;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.train.Checkpoints;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingRun;
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
  public static final String PREDICT = "tensorflow/serving/predict";
  public static final String CARD = "assets.extra/model_card.json";

  private ModelExporter() {}

  /** Only the last element of a path: a model card travels, the machine's folders should not. */
  private static String folderName(Path path) {
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

  /**
   * @param checkpoint which checkpoint of the run ({@link Checkpoints#BEST} by default)
   * @return the version folder written
   */
  public static Path export(Path run, String checkpoint, Path root, String name, int version) throws IOException {
    RunConfig config = JsonFiles.read(run.resolve(TrainingRun.CONFIG), RunConfig.class);
    Normalization normalization = Normalization.load(run.resolve(TrainingRun.NORMALIZATION));
    Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"));
    Checkpoints.State state = checkpoints.state(checkpoint).orElseThrow(() -> new IOException(
        run + ": no '" + checkpoint + "' checkpoint (train the run first)"));
    Path target = root.resolve(name).resolve(Integer.toString(version));
    try (AtomicDirectory dir = AtomicDirectory.create(target); Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      ServingGraph.Endpoints endpoints = ServingGraph.single(tf, config.spec(), normalization.mean(),
          normalization.std(), "");
      Signature signature = Signature.builder().key(DEFAULT_SIGNATURE).methodName(PREDICT)
          .input("image", endpoints.image()).output("probability", endpoints.probability())
          .output("mask", endpoints.mask()).output("aleatoric", endpoints.aleatoric()).build();
      try (Session session = new Session(graph)) {
        session.restore(Checkpoints.variables(checkpoints.folder(checkpoint)).toString());
        // The exporter creates the folder itself.
        Files.delete(dir.path());
        SavedModelBundle.exporter(dir.path().toString()).withTags(SERVE).withSession(session)
            .withFunction(SessionFunction.create(signature, session)).export();
      }
      ModelCard card = new ModelCard(name, version, "single network", DEFAULT_SIGNATURE, PREDICT,
          ModelCard.singleModelInputs(), ModelCard.singleModelOutputs(),
          new ModelCard.Normalisation(normalization.mean(), normalization.std(),
              "applied inside the graph after resizing: (pixel - mean) / std"),
          config.spec(), new ModelCard.Training(folderName(run), config.method(), checkpoint, state.step(),
              state.validationJaccard(), config.dataFingerprint(), folderName(config.data()), config.settings(),
              Map.of()),
          RunConfig.Versions.current(), Instant.now().toString());
      JsonFiles.write(dir.path().resolve(CARD), card);
      dir.commit();
    }
    return target;
  }
}
