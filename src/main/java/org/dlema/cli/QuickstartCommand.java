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
import org.dlema.data.RgbImage;
import org.dlema.data.ReadOptions;
import org.dlema.data.ValidationReport;
import org.dlema.data.inspect.DatasetInspection;
import org.dlema.data.partition.TrainValidationSplit;
import org.dlema.data.synth.SimulatedDatasetWriter;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.data.synth.SyntheticDataset;
import org.dlema.data.synth.SyntheticLesionSettings;
import org.dlema.eval.PredictionPictures;
import org.dlema.export.EnsembleExporter;
import org.dlema.export.ModelCard;
import org.dlema.export.ModelExporter;
import org.dlema.export.ServedModel;
import org.dlema.export.ServingConfig;
import org.dlema.graph.FusionRule;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;
import org.dlema.train.Checkpoints;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.RunConfig;
import org.dlema.train.Trainer;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingSettings;

/**
 * {@code dlema quickstart}: the pipeline end to end on the built-in synthetic data, as far as it is built: data,
 * checks, a baseline training run, the D-LEMA members and their weight maps, the baseline's SavedModel export and
 * predictions made through that export. Every stage reuses its output when a previous quickstart in the same folder finished it, so
 * an interrupted quickstart continues where it stopped.
 */
final class QuickstartCommand extends OptionsCommand {
  static final int DEFAULT_STEPS = 1000;
  static final int DEFAULT_MEMBER_STEPS = 500;
  /** The paper's clean batch is 64; 8 keeps a member's meta step near 70 ms on two CPU cores. */
  static final int QUICK_CLEAN_BATCH = 8;
  /** Ten times the paper's rate: the paper trains for hundreds of epochs, the quickstart for about a minute. */
  static final double QUICK_LEARNING_RATE = 1e-3;
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
    options.addOption(valued("seed", "N", "random seed for data, split, partition and training (default 1)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path out = Path.of(line.getOptionValue("out", "runs/quickstart"));
    int count = intOption(line, "count", DataSynthCommand.DEFAULT_COUNT, 5);
    int steps = intOption(line, "steps", DEFAULT_STEPS, 1);
    int memberSteps = intOption(line, "member-steps", DEFAULT_MEMBER_STEPS, 1);
    long seed = longOption(line, "seed", 1);
    NetworkSpec spec = SpecFiles.load(line.getOptionValue("spec", SpecFiles.DEFAULT));
    var log = console.out();

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
    Path run = out.resolve("baseline");
    Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"));
    if (Files.isRegularFile(run.resolve(TrainingRun.CONFIG))) {
      NetworkSpec used = JsonFiles.read(run.resolve(TrainingRun.CONFIG), RunConfig.class).spec();
      if (!used.equals(spec)) {
        throw new UsageException(run + " was trained with spec " + used.name() + ", not " + spec.name()
            + "; choose another --out or remove it");
      }
    }
    var finished = checkpoints.state(Checkpoints.FINAL);
    if (finished.isPresent() && finished.get().step() == steps) {
      log.printf("  reusing the finished run in %s (best validation Jaccard %.2f%%)%n", run,
          100 * finished.get().best());
    } else {
      Trainer.Outcome outcome;
      if (Files.isRegularFile(run.resolve(TrainingRun.CONFIG))
          && checkpoints.state(Checkpoints.LATEST).isPresent()) {
        outcome = TrainingRun.resume(run, steps, log);
      } else {
        if (Files.exists(run)) {
          throw new UsageException(run + " holds an unfinished run without a checkpoint; remove it and retry");
        }
        int interval = Math.max(1, Math.min(250, steps));
        TrainingSettings settings = new TrainingSettings("baseline", TrainingSettings.DEFAULT_BATCH,
            QUICK_LEARNING_RATE, TrainingSettings.DEFAULT_MOMENTUM, TrainingSettings.DEFAULT_WEIGHT_DECAY,
            TrainingSettings.DEFAULT_MC_SAMPLES, seed, steps, interval, interval,
            TrainValidationSplit.DEFAULT_VALIDATION_FRACTION);
        outcome = TrainingRun.start(data, spec, settings, run, log);
      }
      if (outcome.diverged()) {
        throw new IOException("the baseline run diverged after " + outcome.steps() + " steps; see " + run);
      }
    }

    stage(log, 4, "D-LEMA members (" + memberSteps + " steps each, clean batch " + QUICK_CLEAN_BATCH + ")");
    Path ensemble = out.resolve("dlema");
    int interval = Math.max(1, Math.min(250, memberSteps));
    TrainingSettings memberSettings = new TrainingSettings("dlema", TrainingSettings.DEFAULT_BATCH,
        QUICK_LEARNING_RATE, TrainingSettings.DEFAULT_MOMENTUM, TrainingSettings.DEFAULT_WEIGHT_DECAY,
        TrainingSettings.DEFAULT_MC_SAMPLES, seed, memberSteps, interval, interval,
        TrainValidationSplit.DEFAULT_VALIDATION_FRACTION);
    for (Trainer.Outcome outcome : EnsembleRun.train(data, spec, memberSettings,
        new EnsembleSettings(0, QUICK_CLEAN_BATCH, "cross-entropy", "uniform", 16), ensemble, null, log)) {
      if (outcome.diverged()) {
        throw new IOException("a D-LEMA member diverged after " + outcome.steps() + " steps; see " + ensemble);
      }
    }

    stage(log, 5, "the members' learned weight maps (paper Figures 3-4)");
    log.println("  wrote " + WeightsCommand.draw(ensemble, null, null));

    stage(log, 6, "export of the baseline and of the fused D-LEMA ensemble as SavedModels");
    Path exportRoot = out.resolve("export");
    long bestStep = checkpoints.state(Checkpoints.BEST).orElseThrow().step();
    Path version = latestExportOf(exportRoot.resolve(MODEL), card -> card.training().step() == bestStep);
    if (version != null) {
      log.println("  reusing " + version + " (best checkpoint, step " + bestStep + ")");
    } else {
      int next = ModelExporter.nextVersion(exportRoot.resolve(MODEL));
      version = ModelExporter.export(run, Checkpoints.BEST, exportRoot, MODEL, next);
      log.println("  wrote " + version);
    }
    List<Long> bestSteps = new ArrayList<>();
    int members = JsonFiles.read(ensemble.resolve(TrainingRun.CONFIG), RunConfig.class).ensemble().members();
    for (int i = 1; i <= members; i++) {
      bestSteps.add(new Checkpoints(EnsembleRun.member(ensemble, i).resolve("checkpoints"))
          .state(Checkpoints.BEST).orElseThrow().step());
    }
    Path fused = latestExportOf(exportRoot.resolve(ENSEMBLE_MODEL), card -> card.ensemble() != null
        && card.ensemble().members().stream().map(ModelCard.Member::step).toList().equals(bestSteps));
    if (fused != null) {
      log.println("  reusing " + fused + " (members' best checkpoints)");
    } else {
      int next = EnsembleExporter.nextVersion(exportRoot, ENSEMBLE_MODEL, members);
      EnsembleExporter.Written written = EnsembleExporter.export(ensemble, Checkpoints.BEST, exportRoot,
          ENSEMBLE_MODEL, next, null, console.err());
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
    log.println("  wrote " + (csv.size() - 1) + " validation images' masks, heat-maps (probability, aleatoric, "
        + "epistemic) and overlays to " + predictions);
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
