package org.dlema.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.graph.LinkNet;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.RunConfig;
import org.dlema.train.Trainer;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingTargets;
import org.dlema.train.TrainingSettings;

/** {@code dlema train}: one training run into a run folder. */
final class TrainCommand extends OptionsCommand {
  TrainCommand() {
    super("train");
  }

  @Override
  public String summary() {
    return "train a segmentation network on a multi-annotator dataset (method baseline today)";
  }

  @Override
  String description() {
    return "Checks the data, splits the images 80/20 (seeded), computes the normalisation statistics of the "
        + "training images, then trains a LinkNet with the aleatoric loss (paper eq. 5) using momentum SGD with "
        + "weight decay. Method 'baseline' (paper Table 1 row A) draws one of each image's annotations at random "
        + "for every batch; 'less-is-more' (row J, Ribeiro et al. 2020) first leaves out the training images whose "
        + "mean pairwise Cohen's kappa is below --min-kappa; 'staple' trains on each image's STAPLE consensus "
        + "(Warfield et al. 2004); 'mc-dropout' (Table 2) trains the network with dropout layers on the subset "
        + "C^I that D-LEMA member I trusts and averages --mc-passes stochastic passes at inference; 'dlema' trains "
        + "the ensemble's members (members/<i>/). The run folder gets "
        + "config.json, split.json, normalization.json, training-set.json, metrics.jsonl, "
        + "TensorBoard event files and checkpoints/{latest,best,final}. Kill it at any time: --resume continues "
        + "from the latest checkpoint and ends bit-identical to an uninterrupted run.";
  }

  @Override
  String footer() {
    return "Example: dlema train --method baseline --data data/isic-sim --steps 3000 --out runs/baseline";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("method", "NAME", "training method: baseline; dlema (an ensemble of members with "
        + "learned per-pixel weights); less-is-more (baseline on the images whose annotators agree); staple "
        + "(baseline on each image's STAPLE consensus); mc-dropout (the network with dropout kept at inference, "
        + "on one member's subset) (default baseline)"));
    options.addOption(valued("data", "DIR", "the dataset (folder or manifest)"));
    options.addOption(valued("spec", "SPEC", "network spec: a JSON file or a name from graphs/ (default "
        + SpecFiles.DEFAULT + ")"));
    options.addOption(valued("steps", "N", "optimisation steps (default 2000)"));
    options.addOption(valued("epochs", "N", "passes over the training images instead of --steps"));
    options.addOption(valued("out", "DIR", "run folder (default runs/<method>)"));
    options.addOption(flag("resume", "continue the run in --out from its latest checkpoint (with its own settings;"
        + " --steps may raise the total)"));
    options.addOption(valued("batch", "N", "batch size (default " + TrainingSettings.DEFAULT_BATCH + ")"));
    options.addOption(valued("lr", "X", "learning rate (default " + TrainingSettings.DEFAULT_LEARNING_RATE + ")"));
    options.addOption(valued("momentum", "X", "SGD momentum (default " + TrainingSettings.DEFAULT_MOMENTUM + ")"));
    options.addOption(valued("weight-decay", "X", "L2 weight decay (default "
        + TrainingSettings.DEFAULT_WEIGHT_DECAY + ")"));
    options.addOption(valued("mc-samples", "T", "Monte Carlo samples of the logits in the aleatoric loss (default "
        + TrainingSettings.DEFAULT_MC_SAMPLES + ")"));
    options.addOption(valued("seed", "N", "seed of the split, initial weights, batches and noise (default 1)"));
    options.addOption(valued("validation-fraction", "X", "share of images held out for validation (default 0.2)"));
    options.addOption(valued("validate-every", "N", "steps between validations (default 500, or --steps)"));
    options.addOption(valued("checkpoint-every", "N", "steps between checkpoints (default 500, or --steps)"));
    options.addOption(valued("min-kappa", "X", "less-is-more: leave out training images whose mean pairwise "
        + "Cohen's kappa is below X (default " + TrainingTargets.DEFAULT_MIN_KAPPA + ")"));
    options.addOption(valued("subset", "I", "mc-dropout: train on the subset C^I that D-LEMA member I trusts "
        + "(with --members M and the same --seed as the D-LEMA run)"));
    options.addOption(valued("dropout", "P", "mc-dropout: dropout probability (default 0.3)"));
    options.addOption(valued("dropout-layers", "N", "mc-dropout: dropout layers, from the network's centre "
        + "outwards (default " + NetworkSpec.PAPER_DROPOUT_LAYERS + ")"));
    options.addOption(valued("mc-passes", "N", "mc-dropout: stochastic passes averaged at inference (default "
        + NetworkSpec.PAPER_MC_PASSES + ")"));
    options.addOption(valued("members", "M", "dlema and mc-dropout: ensemble size, one member per "
        + "non-contradictory subset "
        + "(default: the largest annotation count of the training images)"));
    options.addOption(valued("member", "I", "dlema: train only member I (1..M), e.g. one member per machine; the "
        + "run's shared files are made by whichever member starts first"));
    options.addOption(valued("clean-batch", "N", "dlema: images per clean batch from the member's subset "
        + "(default " + EnsembleSettings.PAPER_CLEAN_BATCH + ", the paper's)"));
    options.addOption(valued("clean-loss", "NAME", "dlema: cross-entropy (eq. 1, default) or aleatoric"));
    options.addOption(valued("partition-rule", "RULE", "dlema: uniform (default) or prefix"));
    options.addOption(valued("weight-samples", "N", "dlema: training images whose weight maps are kept for "
        + "figures (default 16)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    String method = line.getOptionValue("method", "baseline");
    if (!TrainingTargets.isSingleNetwork(method) && !method.equals("dlema")) {
      throw new UsageException("--method: '" + method + "' is not available; available: baseline, dlema, "
          + "less-is-more, staple, mc-dropout");
    }
    if (line.hasOption("min-kappa") && !method.equals(TrainingTargets.LESS_IS_MORE)) {
      throw new UsageException("--min-kappa applies to --method less-is-more only");
    }
    for (String option : List.of("subset", "dropout", "dropout-layers", "mc-passes")) {
      if (line.hasOption(option) && !method.equals(TrainingTargets.MC_DROPOUT)) {
        throw new UsageException("--" + option + " applies to --method mc-dropout only");
      }
    }
    Path out = Path.of(line.getOptionValue("out", "runs/" + method));
    if (line.hasOption("steps") && line.hasOption("epochs")) {
      throw new UsageException("give --steps or --epochs, not both");
    }
    Trainer.Outcome outcome;
    if (line.hasOption("resume")) {
      for (var option : line.getOptions()) {
        if (!List.of("resume", "out", "steps", "member").contains(option.getLongOpt())) {
          throw new UsageException("--" + option.getLongOpt() + " cannot change a run being resumed; with --resume "
              + "only --out and --steps apply (the run keeps the settings in its config.json)");
        }
      }
      Integer steps = line.hasOption("steps") ? intOption(line, "steps", 0, 1) : null;
      RunConfig config = JsonFiles.read(configOf(out), RunConfig.class);
      if (config.ensemble() != null) {
        TrainingSettings settings = steps == null ? config.settings() : config.settings().withSteps(steps);
        return report(EnsembleRun.train(config.data(), config.spec(), settings, config.ensemble(), out,
            memberOption(line), console.out()), out, console);
      }
      outcome = TrainingRun.resume(out, steps, console.out());
    } else {
      Path data = dataOption(line);
      NetworkSpec spec = SpecFiles.load(line.getOptionValue("spec", SpecFiles.DEFAULT));
      double validationFraction = doubleOption(line, "validation-fraction", 0.2, 0.01, 0.9);
      int batch = intOption(line, "batch", TrainingSettings.DEFAULT_BATCH, 1);
      int steps = intOption(line, "steps", 2000, 1);
      if (line.hasOption("epochs")) {
        int images = DatasetReader.read(data, ReadOptions.strict()).size();
        int trainImages = images - (int) Math.round(images * validationFraction);
        steps = (int) Math.ceil((double) intOption(line, "epochs", 1, 1) * trainImages / batch);
      }
      int interval = Math.min(500, steps);
      TrainingSettings settings = new TrainingSettings(method, batch,
          doubleOption(line, "lr", TrainingSettings.DEFAULT_LEARNING_RATE, 1e-12, 100),
          doubleOption(line, "momentum", TrainingSettings.DEFAULT_MOMENTUM, 0, 0.999999),
          doubleOption(line, "weight-decay", TrainingSettings.DEFAULT_WEIGHT_DECAY, 0, 1),
          intOption(line, "mc-samples", TrainingSettings.DEFAULT_MC_SAMPLES, 1), longOption(line, "seed", 1), steps,
          intOption(line, "validate-every", interval, 1), intOption(line, "checkpoint-every", interval, 1),
          validationFraction);
      if (!method.equals("dlema")) {
        for (String option : List.of("members", "member", "clean-batch", "clean-loss", "partition-rule",
            "weight-samples")) {
          if (line.hasOption(option) && !(option.equals("members") && method.equals(TrainingTargets.MC_DROPOUT))) {
            throw new UsageException("--" + option + " applies to --method dlema only");
          }
        }
      } else {
        EnsembleSettings ensemble = new EnsembleSettings(Math.max(1, intOption(line, "members", 1, 1)),
            intOption(line, "clean-batch", EnsembleSettings.PAPER_CLEAN_BATCH, 1),
            line.getOptionValue("clean-loss", "cross-entropy"), line.getOptionValue("partition-rule", "uniform"),
            intOption(line, "weight-samples", 16, 0));
        if (!line.hasOption("members")) {
          ensemble = new EnsembleSettings(0, ensemble.cleanBatch(), ensemble.cleanLoss(), ensemble.partitionRule(),
              ensemble.weightSamples());
        }
        return report(EnsembleRun.train(data, spec, settings, ensemble, out, memberOption(line), console.out()),
            out, console);
      }
      TrainingTargets.Options options = new TrainingTargets.Options(doubleOption(line, "min-kappa",
          TrainingTargets.DEFAULT_MIN_KAPPA, -1, 1), intOption(line, "subset", 1, 1), intOption(line, "members", 1, 1));
      if (method.equals(TrainingTargets.MC_DROPOUT)) {
        if (!line.hasOption("subset") || !line.hasOption("members")) {
          throw new UsageException("--method mc-dropout needs --subset I and --members M (the subset C^I of the "
              + "partition into M that D-LEMA member I trusts)");
        }
        if (options.subset() > options.subsets()) {
          throw new UsageException("--subset must be between 1 and --members " + options.subsets() + ", got "
              + options.subset());
        }
        int layers = intOption(line, "dropout-layers", NetworkSpec.PAPER_DROPOUT_LAYERS, 1);
        if (layers > LinkNet.DROPOUT_SITES.size()) {
          throw new UsageException("--dropout-layers must be at most " + LinkNet.DROPOUT_SITES.size() + ", got "
              + layers);
        }
        spec = spec.withDropout(doubleOption(line, "dropout", 0.3, 1e-6, 0.99),
            layers, intOption(line, "mc-passes", NetworkSpec.PAPER_MC_PASSES, 1));
      }
      outcome = TrainingRun.start(data, spec, settings, options, out, console.out());
    }
    return report(List.of(outcome), out, console);
  }

  private static Path configOf(Path run) throws UsageException {
    Path config = run.resolve(TrainingRun.CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new UsageException("--resume: " + run + " is not a run folder (no " + TrainingRun.CONFIG + ")");
    }
    return config;
  }

  private static Integer memberOption(CommandLine line) throws UsageException {
    return line.hasOption("member") ? intOption(line, "member", 1, 1) : null;
  }

  private static int report(List<Trainer.Outcome> outcomes, Path out, Console console) {
    for (Trainer.Outcome outcome : outcomes) {
      if (outcome.diverged()) {
        console.err().println("dlema: error: training diverged after " + outcome.steps() + " steps; see " + out);
        return Main.FAILED;
      }
      console.out().printf("done: %d steps, best validation Jaccard %.2f%% at step %d, median step %.0f ms; %s%n",
          outcome.steps(), 100 * outcome.bestJaccard(), outcome.bestStep(), 1000 * outcome.medianStepSeconds(),
          out);
    }
    return 0;
  }
}
