package org.dlema.cli;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.eval.EvaluationReport;
import org.dlema.eval.Evaluator;
import org.dlema.export.ExportRequest;
import org.dlema.export.Exports;
import org.dlema.export.ServedEvaluation;
import org.dlema.graph.FusionRule;
import org.dlema.io.AtomicDirectory;
import org.dlema.train.CheckpointKind;
import org.dlema.train.RunConfig;

/** {@code dlema evaluate}: the paper's Tables 1 and 2 for exported models or trained runs on test sets. */
final class EvaluateCommand extends OptionsCommand {
  EvaluateCommand() {
    super("evaluate");
  }

  @Override
  public String summary() {
    return "score models on test sets: Jaccard +- SE, Dice, NLL, Brier, ECE, reliability diagrams (Tables 1-2)";
  }

  @Override
  String description() {
    return "Runs each model (an exported version folder, or a trained run, exported on the fly from its best "
        + "checkpoint) on every image of every test set at the image's own size, and scores the thresholded mask "
        + "(Jaccard, Dice) and the probabilities (NLL eq. 6, Brier eq. 7, expected calibration error over 15 "
        + "bins) against each annotation, and also against the reference masks when a set keeps them "
        + "(reference/<id>_reference.png), as a second column. A fused ensemble gives one row per member and per "
        + "fusion rule. Writes OUT/evaluation.json, OUT/per-image.csv, OUT/tables.md (laid out like the paper's "
        + "Tables 1 and 2, one column per test set), OUT/reliability/*.png and OUT/examples/ (overlays of the "
        + "first images). OUT appears complete or not at all.";
  }

  private static final Declared<Integer> EXAMPLES = Declared.valued("examples", "N", "overlay pictures of the first N "
      + "images of each set", 3);

  /** Options given several times collect every value (commons-cli keeps them all). */
  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("model", "DIR", "an exported version folder, e.g. export/NAME/1, or the model's base "
        + "path export/NAME, whose highest version is used (repeatable)"));
    options.addOption(valued("run", "DIR", "a trained run folder, baseline or ensemble (repeatable)"));
    options.addOption(valued("data", "DIR", "a test set: dataset folder or manifest (repeatable; one table "
        + "column each)"));
    options.addOption(valued("out", "DIR", "where to write the report (must not exist)"));
    options.addOption(EXAMPLES.option());
    return options;
  }

  @Override
  Set<String> repeatable() {
    return Set.of("model", "run", "data");
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    String[] models = line.getOptionValues("model") == null ? new String[0] : line.getOptionValues("model");
    String[] runs = line.getOptionValues("run") == null ? new String[0] : line.getOptionValues("run");
    if (models.length + runs.length == 0) {
      throw new UsageException("give at least one --model or --run");
    }
    String[] data = line.getOptionValues("data");
    if (data == null) {
      throw new UsageException("give at least one test set with --data DIR");
    }
    // Refused before any export: a link to nothing, or a folder that holds something already.
    Path out = AtomicDirectory.usable(Path.of(required(line, "out")));
    int examples = EXAMPLES.integer(line, 0);
    Path work = Files.createTempDirectory("dlema-evaluate-");
    Map<String, Path> byLabel = new LinkedHashMap<>();
    try {
      for (String model : models) {
        Path folder = modelFolder(Path.of(model), console);
        byLabel.put(unique(byLabel, folderName(folder.toAbsolutePath().normalize().getParent(), "model")), folder);
      }
      for (String run : runs) {
        Path folder = Path.of(run);
        byLabel.put(unique(byLabel, folderName(folder, "model")), export(folder, work, console));
      }
      Map<String, Object> about = new LinkedHashMap<>();
      about.put("models", List.of(models));
      about.put("runs", List.of(runs));
      about.put("testSets", List.of(data));
      about.put("versions", RunConfig.Versions.current());
      Evaluator.Results results = ServedEvaluation.run(byLabel, Arrays.stream(data).map(Path::of).toList(), out,
          examples, about, console.err());
      console.out().print(EvaluationReport.tables(results));
      results.warnings().forEach(w -> console.err().println("dlema: warning: " + w));
    } finally {
      MoreFiles.deleteRecursively(work, RecursiveDeleteOption.ALLOW_INSECURE);
    }
    console.out().println("wrote " + required(line, "out"));
    return 0;
  }

  private static String unique(Map<String, ?> taken, String label) {
    String name = label;
    for (int k = 2; taken.containsKey(name); k++) {
      name = label + "-" + k;
    }
    return name;
  }

  /**
   * A run's best checkpoint exported into a scratch folder (ensembles with uniform fusion, no rule scoring). The
   * export's own lines would name the scratch folder and a rule nobody chose, so one line says what happens; the
   * export's warnings follow once it has succeeded, so that a run that cannot be exported gets its error alone.
   */
  private static Path export(Path run, Path work, Console console) throws IOException {
    boolean ensemble = RunConfig.read(run).isEnsemble();
    console.err().println("exporting " + run + "'s best checkpoint for evaluation"
        + (ensemble ? " (members fused by the uniform rule, as in the paper)" : ""));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path exported = Exports.export(ExportRequest.of(run, CheckpointKind.BEST,
        Files.createTempDirectory(work, "export-"), "model", 1).withFusion(FusionRule.UNIFORM).withCalibration(null),
        new PrintStream(log, true, StandardCharsets.UTF_8)).model();
    log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("warning: "))
        .forEach(l -> console.err().println("dlema: " + l));
    return exported;
  }
}
