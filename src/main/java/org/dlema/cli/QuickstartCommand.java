package org.dlema.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.RgbImage;
import org.dlema.data.ValidationReport;
import org.dlema.data.inspect.DatasetInspection;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.synth.SimulatedDatasetWriter;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.data.synth.SyntheticDataset;
import org.dlema.data.synth.SyntheticLesionSettings;
import org.dlema.eval.PredictionPictures;
import org.dlema.export.EnsembleExporter;
import org.dlema.export.ExportRequest;
import org.dlema.export.ModelCard;
import org.dlema.export.ModelExporter;
import org.dlema.export.ServedModel;
import org.dlema.export.ServingConfig;
import org.dlema.graph.FusionRule;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;
import org.dlema.train.CheckpointKind;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.Method;
import org.dlema.train.RunConfig;
import org.dlema.train.RunFolder;
import org.dlema.train.Trainer;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingSettings;
import org.dlema.train.TrainingTargets;
import org.dlema.train.WeightFigure;

/**
 * {@code dlema quickstart}: the pipeline end to end on the built-in synthetic data: data, checks, a baseline
 * training run, the D-LEMA members and their weight maps, SavedModel exports of the baseline and of the fused
 * ensemble, and predictions made through the fused export. Every stage reuses its output when a previous quickstart
 * in the same folder finished it, so an interrupted quickstart continues where it stopped.
 */
final class QuickstartCommand extends OptionsCommand {
  static final int DEFAULT_STEPS = 1000;
  static final int DEFAULT_MEMBER_STEPS = 500;
  /** The paper's clean batch is 64; 8 keeps a member's meta step near 70 ms on two CPU cores. */
  static final int QUICK_CLEAN_BATCH = 8;
  /** Ten times the paper's rate: the paper trains for hundreds of epochs, the quickstart for about a minute. */
  static final double QUICK_LEARNING_RATE = 1e-3;
  /** Steps between validations and checkpoints. */
  static final int INTERVAL = 250;
  static final String MODEL = "quickstart-baseline";
  static final String ENSEMBLE_MODEL = "quickstart-dlema";
  private static final int PICTURES = 4;

  QuickstartCommand() {
    super("quickstart");
  }

  @Override
  public String summary() {
    return "run the pipeline end to end on the built-in synthetic multi-annotator data";
  }

  @Override
  String description() {
    return "Synthesises the built-in dataset, checks it, trains a baseline linknet-lite (learning rate 1e-3, ten "
        + "times the paper's, so that a short run learns), trains the D-LEMA members (one per non-contradictory "
        + "subset, per-pixel weights learned by the meta step; clean batch 8 instead of the paper's 64) and draws "
        + "their weight maps, exports the baseline and the fused ensemble (with its members) as SavedModels and "
        + "segments a few validation images through the fused export. Writes OUT/data/, OUT/baseline/ and "
        + "OUT/dlema/ (run folders), OUT/export/ (" + MODEL + ", " + ENSEMBLE_MODEL + ", its members and "
        + "models.config) and OUT/predictions/. Stages already finished in OUT are reused.";
  }

  private static final Declared<Long> SEED = Declared.seed("random seed for data, split, partition and training");

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("out", "DIR", "quickstart folder (default runs/quickstart)"));
    options.addOption(valued("count", "N", "number of synthetic images (default " + DataSynthCommand.DEFAULT_COUNT
        + ")"));
    options.addOption(valued("steps", "N", "baseline training steps (default " + DEFAULT_STEPS + ")"));
    options.addOption(valued("member-steps", "N", "training steps of each D-LEMA member (default "
        + DEFAULT_MEMBER_STEPS + ")"));
    options.addOption(valued("spec", "SPEC", "network spec (default " + SpecFiles.DEFAULT + ")"));
    options.addOption(SEED.option());
    return options;
  }

  @Override
  String defaultOut(CommandLine line) {
    return "runs/quickstart";
  }

  @Override
  boolean trainsRuns() {
    return true;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path out = outputFolder(line);
    int count = intOption(line, "count", DataSynthCommand.DEFAULT_COUNT, 5);
    int steps = intOption(line, "steps", DEFAULT_STEPS, 1);
    int memberSteps = intOption(line, "member-steps", DEFAULT_MEMBER_STEPS, 1);
    long seed = SEED.whole(line);
    NetworkSpec spec = SpecFiles.load(line.getOptionValue("spec", SpecFiles.DEFAULT));
    var log = console.out();
    kernelNote(console);

    Path data = out.resolve("data");
    stage(log, 1, "data");
    Path description = data.resolve(SimulatedDatasetWriter.DESCRIPTION);
    if (Files.isRegularFile(description)) {
      JsonObject made = JsonFiles.read(description, JsonObject.class);
      int madeCount = made.getAsJsonObject("origin").get("images").getAsInt();
      long madeSeed = made.getAsJsonObject("settings").get("seed").getAsLong();
      if (madeCount != count || madeSeed != seed) {
        throw new UsageException(data + " holds " + madeCount + " images made with seed " + madeSeed
            + ", not " + count + " with seed " + seed + "; choose another --out or remove it");
      }
      log.println("  reusing the synthetic dataset in " + data);
    } else {
      log.println("  synthesising " + count + " images into " + data);
      DataSimulateCommand.printSummary(SyntheticDataset.write(data, count,
          SyntheticLesionSettings.defaults(DataSynthCommand.DEFAULT_SIZE), SimulatorSettings.defaults(seed),
          Progress.onStderr("synthesising", count)), console);
    }

    stage(log, 2, "checking every file");
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = DatasetReader.read(data, ReadOptions.strict(), report);
    DatasetInspection inspection = DatasetInspection.of(dataset, report, Progress.onStderr("checking",
        dataset.size()));
    DataInspectCommand.print(inspection, console);
    report.throwIfErrors();

    // The same split the training runs make from the same seed.
    TrainValidationSplit split = TrainValidationSplit.create(dataset, TrainValidationSplit.DEFAULT_VALIDATION_FRACTION,
        seed);

    stage(log, 3, "baseline training (" + spec.name() + ", " + steps + " steps)");
    Path run = out.resolve(Method.BASELINE.id());
    TrainingSettings settings = TrainingSettings.builder(Method.BASELINE).learningRate(QUICK_LEARNING_RATE)
        .seed(seed).steps(steps).interval(Math.min(INTERVAL, steps)).build();
    TrainingRun.trainOrResume(data, spec, settings, TrainingTargets.Options.defaults(), run, log)
        .requireFinished(run);

    stage(log, 4, "D-LEMA members (" + memberSteps + " steps each, clean batch " + QUICK_CLEAN_BATCH + ")");
    Path ensemble = out.resolve(Method.DLEMA.id());
    TrainingSettings memberSettings = settings.toBuilder().method(Method.DLEMA).steps(memberSteps)
        .interval(Math.min(INTERVAL, memberSteps)).build();
    for (Trainer.Outcome outcome : EnsembleRun.train(data, spec, memberSettings,
        EnsembleSettings.paper(0, QUICK_CLEAN_BATCH), ensemble, null, log)) {
      outcome.requireFinished(ensemble);
    }

    stage(log, 5, "the members' learned weight maps (paper Figures 3-4)");
    log.println("  wrote " + WeightFigure.draw(ensemble, null, null));

    stage(log, 6, "export of the baseline and of the fused D-LEMA ensemble as SavedModels");
    Path exportRoot = out.resolve("export");
    long bestStep = RunFolder.of(run).checkpoints().state(CheckpointKind.BEST).orElseThrow().step();
    Path version = latestExportOf(exportRoot.resolve(MODEL),
        card -> Long.valueOf(bestStep).equals(card.training().step()));
    if (version != null) {
      log.println("  reusing " + version + " (best checkpoint, step " + bestStep + ")");
    } else {
      int next = ModelExporter.nextVersion(exportRoot.resolve(MODEL));
      version = ModelExporter.export(ExportRequest.of(run, CheckpointKind.BEST, exportRoot, MODEL, next),
          console.err());
      log.println("  wrote " + version);
    }
    List<Long> bestSteps = new ArrayList<>();
    int members = RunConfig.read(ensemble).ensemble().members();
    for (int i = 1; i <= members; i++) {
      bestSteps.add(RunFolder.of(ensemble).member(i).checkpoints()
          .state(CheckpointKind.BEST).orElseThrow().step());
    }
    Path fused = latestExportOf(exportRoot.resolve(ENSEMBLE_MODEL), card -> card.ensemble() != null
        && card.ensemble().members().stream().map(ModelCard.Member::step).toList().equals(bestSteps));
    if (fused != null) {
      log.println("  reusing " + fused + " (members' best checkpoints)");
    } else {
      int next = EnsembleExporter.nextVersion(exportRoot, ENSEMBLE_MODEL, members);
      EnsembleExporter.Written written = EnsembleExporter.export(
          ExportRequest.of(ensemble, CheckpointKind.BEST, exportRoot, ENSEMBLE_MODEL, next), console.err());
      fused = written.ensemble();
      log.printf("  wrote %s and its %d members; serving_default = %s%n", fused, members,
          written.defaultRule().signature());
      for (FusionRule rule : FusionRule.values()) {
        log.printf("    validation Jaccard with %-17s %.2f%%%n", rule.signature() + ":",
            100 * written.scores().jaccard().get(rule));
      }
    }
    log.println("  TF Serving model list: " + exportRoot.resolve(ServingConfig.FILE));

    stage(log, 7, "predictions through the fused ensemble's export");
    Path predictions = Files.createDirectories(out.resolve("predictions"));
    List<String> csv = new ArrayList<>(List.of(PredictionPictures.CSV_HEADER));
    try (ServedModel served = ServedModel.load(fused, ModelExporter.DEFAULT_SIGNATURE)) {
      for (String id : split.validation().subList(0, Math.min(PICTURES, split.validation().size()))) {
        RgbImage image = ImageFiles.readRgb(dataset.image(id).image()).image();
        ServedModel.Prediction p = served.predict(image);
        csv.add(PredictionPictures.write(id, image, p.probability(), p.mask(), p.aleatoric(), p.epistemic(),
            predictions));
      }
    }
    JsonFiles.writeString(predictions.resolve("predictions.csv"), String.join("\n", csv) + "\n");
    boolean bars = PredictionPictures.writeColourBars(predictions);
    log.println("  wrote " + (csv.size() - 1) + " validation images' masks, heat-maps (probability, aleatoric, "
        + "epistemic)" + (bars ? ", their colour bars" : "") + " and overlays to " + predictions);
    log.println("done: " + out);
    return 0;
  }

  /** The newest export of the model if its card shows it holds the weights wanted. */
  private static Path latestExportOf(Path model, Predicate<ModelCard> current) throws IOException {
    int newest = ModelExporter.nextVersion(model) - 1;
    if (newest < 1) {
      return null;
    }
    Path version = model.resolve(Integer.toString(newest));
    Path card = version.resolve(ModelExporter.CARD);
    if (!Files.isRegularFile(card)) {
      return null;
    }
    return current.test(JsonFiles.read(card, ModelCard.class)) ? version : null;
  }

  private static void stage(PrintStream log, int n, String what) {
    log.println("[" + n + "/7] " + what);
  }
}
