package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlema.data.DatasetReader;
import org.dlema.data.ReadOptions;
import org.dlema.io.JsonFiles;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** One tiny experiment, made once for the class; each test checks one promise of it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow")
class ExperimentCommandTest {
  @TempDir static Path dir;
  private Path split;
  private Path out;
  private CliRunner.Outcome splitting;
  private CliRunner.Outcome first;

  private String[] experiment(String steps) {
    return new String[] {"experiment", "--data", split.resolve("train.csv").toString(), "--test",
        split.resolve("test.csv").toString(), "--spec", "tiny", "--steps", steps, "--out", out.toString()};
  }

  @BeforeAll
  void splitThenRunTheExperimentOnce() throws Exception {
    split = dir.resolve("split");
    out = dir.resolve("experiment");
    splitting = CliRunner.run("data", "split", "--data", TinyRun.data().toString(), "--out", split.toString(),
        "--test-fraction", "0.25");
    first = CliRunner.run(experiment("2"));
  }

  @Test
  void splitHoldsOutATestManifestWithRelativePaths() throws Exception {
    assertThat(splitting.exitCode()).isEqualTo(0);
    assertThat(splitting.out()).contains("(9 images)");
    assertThat(splitting.out()).contains("reference masks found");
    List<String> test = Files.readAllLines(split.resolve("test.csv"));
    assertThat(test.get(0)).isEqualTo("image,mask,annotator");
    assertThat(test.get(1)).startsWith("../");
  }

  @Test
  void everyMethodIsEvaluatedInOneReportWithTheSettingsItRanWith() throws Exception {
    assertThat(first.err()).doesNotContain("internal error");
    assertThat(first.exitCode()).isEqualTo(0);
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("### Table 1: Jaccard index");
    assertThat(report).contains("| method | test | test (reference) |");
    for (String row : new String[] {"| baseline |", "| D-LEMA member 1 |", "| D-LEMA uniform |",
        "| D-LEMA image_confidence |", "| less-is-more |", "| STAPLE |", "| MC dropout 1 |"}) {
      assertThat(report).contains(row);
    }
    // The default budget's recipe, as recorded in the runs.
    assertThat(report).contains("Budget **cpu-hour**: every network 2 steps of batch 16, learning rate 0.002");
    assertThat(report).contains("10 Monte Carlo samples, augmentation dihedral;");
    assertThat(report).contains("MC dropout p = 0.3, 5 layers, 15 passes");
    // The default budget's members learn their weights on the disputed pixels only, after a third of the steps
    // with uniform weights (one of two here).
    assertThat(report).contains("(variant: weighting META, normalised per BATCH, region DISPUTED,");
    assertThat(report).contains("meta warm-up 1,");
    // Flipped and turned weight maps are kept in the images' own frame, so the figure is drawn.
    assertThat(Files.isRegularFile(out.resolve("figures/weights.png"))).isTrue();
    assertThat(report).contains("| member | disagreeing | agreeing | ratio | disagreeing pixels |");
    // Every stage's wall and CPU time, and the cores it kept busy.
    assertThat(report).contains("| stage | minutes | cores busy |");
    assertThat(report).containsMatch("\\| dlema \\| [0-9.]+ \\| [0-9.]+ \\|");
    assertThat(report).containsMatch("\\| networks \\| [0-9.]+ \\| [0-9.]+ \\|");
    // The single networks train side by side, each log line naming its network.
    assertThat(first.out()).contains("[baseline] done in ");
    assertThat(first.out()).containsMatch("(?m)^\\[mc-dropout-2\\] run .*mc-dropout.2");
    assertThat(report).containsMatch("\\| all \\| [0-9.]+ \\| [0-9.]+ \\|");
    assertThat(Files.readString(out.resolve("experiment.json"))).contains("\"cpuSeconds\"");
    assertThat(Files.isRegularFile(out.resolve("export/d-lema/1/saved_model.pb"))).isTrue();
  }

  @Test
  void aSecondRunSkipsEveryFinishedStage() {
    CliRunner.Outcome again = CliRunner.run(experiment("2"));
    assertThat(again.exitCode()).isEqualTo(0);
    assertThat(again.out()).contains("[evaluation] finished earlier, skipped");
    assertThat(again.out()).doesNotContain("training:");
  }

  /** Changes a copy of the first experiment in {@code copy} and its state, then runs it again from its figures. */
  private interface Change {
    void apply(JsonObject state) throws Exception;
  }

  private CliRunner.Outcome againWithoutFigures(Path copy, Change change) throws Exception {
    assertThat(first.exitCode()).isEqualTo(0);
    TestFiles.copyTree(out, copy);
    JsonObject state = JsonFiles.read(copy.resolve("experiment.json"), JsonObject.class);
    state.getAsJsonObject("seconds").remove("figures");
    change.apply(state);
    JsonFiles.write(copy.resolve("experiment.json"), state);
    String[] args = experiment("2");
    args[args.length - 1] = copy.toString();
    CliRunner.Outcome again = CliRunner.run(args);
    assertThat(again.err()).doesNotContain("internal error");
    assertThat(again.exitCode()).isEqualTo(0);
    return again;
  }

  @Test
  void anExperimentWrittenBeforeCpuTimesWereRecordedContinues() throws Exception {
    Path older = dir.resolve("older");
    CliRunner.Outcome again = againWithoutFigures(older, state -> state.remove("cpuSeconds"));
    assertThat(again.out()).contains("[figures]");
    JsonObject after = JsonFiles.read(older.resolve("experiment.json"), JsonObject.class);
    assertThat(after.getAsJsonObject("seconds").has("figures")).isTrue();
    assertThat(after.getAsJsonObject("cpuSeconds").keySet()).containsExactly("figures");
  }

  @Test
  void membersWithoutWeightMapsLeaveTheReportWithoutTheFigureInsteadOfFailing() throws Exception {
    Path bare = dir.resolve("bare");
    CliRunner.Outcome again = againWithoutFigures(bare, state -> {
      try (var members = Files.list(bare.resolve("runs/dlema/members"))) {
        for (Path member : members.toList()) {
          MoreFiles.deleteRecursively(member.resolve("weights"), RecursiveDeleteOption.ALLOW_INSECURE);
        }
      }
      Files.delete(bare.resolve("figures/weights.png"));
    });
    assertThat(again.out()).contains("no weight-map figure");
    String report = Files.readString(bare.resolve("report.md"));
    assertThat(report).contains("No member kept weight maps");
    assertThat(report).doesNotContain("figures/weights.png");
    assertThat(report).contains("### Table 1: Jaccard index");
  }

  @Test
  void aMissingTestSetIsRefusedBeforeAnyNetworkTrains() {
    Path fresh = dir.resolve("missing-test");
    String[] args = experiment("2");
    args[4] = dir.resolve("no-such-test.csv").toString();
    args[args.length - 1] = fresh.toString();
    CliRunner.Outcome missing = CliRunner.run(args);
    assertThat(missing.exitCode()).isNotEqualTo(0);
    assertThat(missing.err()).contains("no-such-test.csv");
    assertThat(missing.out()).doesNotContain("[baseline]");
    assertThat(Files.exists(fresh.resolve("runs"))).isFalse();
  }

  @Test
  void otherOptionsInTheSameFolderAreRefused() {
    CliRunner.Outcome other = CliRunner.run(experiment("3"));
    assertThat(other.exitCode()).isNotEqualTo(0);
    assertThat(other.err()).contains("holds an experiment with other settings");
    // The message names the setting that differs and nothing else.
    assertThat(other.err()).contains("budget: cpu-hour (2 steps, weights on disputed pixels, meta-weighting from step "
        + "1) there, cpu-hour (3 steps");
    assertThat(other.err()).doesNotContain("seed:");
    // The paper's weighting under the cpu budget is another experiment too.
    List<String> paperWeights = new ArrayList<>(List.of(experiment("2")));
    paperWeights.addAll(List.of("--weight-region", "all"));
    CliRunner.Outcome all = CliRunner.run(paperWeights.toArray(String[]::new));
    assertThat(all.exitCode()).isNotEqualTo(0);
    assertThat(all.err()).contains("cpu-hour (2 steps, weights on disputed pixels, meta-weighting from step 1)");
  }

  @Test
  void chosenMethodsMakeACheaperExperimentThatComparesWithTheFullOne() throws Exception {
    Path part = dir.resolve("part");
    String[] args = {"experiment", "--data", split.resolve("train.csv").toString(), "--test",
        split.resolve("test.csv").toString(), "--spec", "tiny", "--steps", "2", "--out", part.toString(),
        "--side-by-side", "1", "--methods", "staple,baseline"};
    CliRunner.Outcome outcome = CliRunner.run(args);
    assertThat(outcome.exitCode()).isEqualTo(0);
    // Trained one after another, the networks are bit-identical to the full experiment's, trained two at a time.
    for (String method : new String[] {"baseline", "staple"}) {
      Path weights = Path.of("runs", method, "checkpoints", "final", "model.data-00000-of-00001");
      assertThat(Files.readAllBytes(part.resolve(weights))).isEqualTo(Files.readAllBytes(out.resolve(weights)));
    }
    String report = Files.readString(part.resolve("report.md"));
    assertThat(report).contains("methods baseline, staple.");
    assertThat(report).contains("| baseline |");
    assertThat(report).contains("| STAPLE |");
    assertThat(report).doesNotContain("| D-LEMA");
    assertThat(report).doesNotContain("| MC dropout");
    assertThat(Files.exists(part.resolve("runs/dlema"))).isFalse();
    assertThat(Files.exists(part.resolve("runs/less-is-more"))).isFalse();

    // The same folder with other methods is another experiment.
    args[args.length - 1] = "baseline";
    CliRunner.Outcome other = CliRunner.run(args);
    assertThat(other.exitCode()).isNotEqualTo(0);
    assertThat(other.err()).contains("(methods: baseline,staple there, baseline now)");

    Path compared = dir.resolve("compared");
    CliRunner.Outcome compare = CliRunner.run("compare", "--point", "all=" + out, "--point", "two=" + part, "--out",
        compared.toString());
    assertThat(compare.exitCode()).isEqualTo(0);
    String table = Files.readString(compared.resolve("comparison.md"));
    assertThat(table).contains("on `test (reference)`");
    assertThat(table).contains("| method | all | two |");
    // Absent methods leave their cell empty; the uncalibrated copies are not rows.
    assertThat(table).containsMatch("\\| less-is-more \\| [0-9.]+ ± [0-9.]+\\*? \\| \\|");
    assertThat(table).doesNotContain("uncalibrated");
    assertThat(Files.size(compared.resolve("comparison.png"))).isGreaterThan(1000L);
  }

  @Test
  void theLongCpuBudgetTrainsWithFlipsAndQuarterTurns() throws Exception {
    Path longer = dir.resolve("long");
    CliRunner.Outcome outcome = CliRunner.run("experiment", "--data", split.resolve("train.csv").toString(),
        "--test", split.resolve("test.csv").toString(), "--spec", "tiny", "--budget", "cpu-long", "--steps", "2",
        "--methods", "baseline", "--out", longer.toString());
    assertThat(outcome.exitCode()).isEqualTo(0);
    String report = Files.readString(longer.resolve("report.md"));
    assertThat(report).contains("Budget **cpu-long**: every network 2 steps of batch 16, learning rate 0.002");
    assertThat(report).contains("10 Monte Carlo samples, augmentation dihedral;");
  }

  @Test
  void weightAveragingAndSharedNoiseReachEveryNetworkAndTheReport() throws Exception {
    Path averaged = dir.resolve("averaged");
    CliRunner.Outcome outcome = CliRunner.run("experiment", "--data", split.resolve("train.csv").toString(),
        "--test", split.resolve("test.csv").toString(), "--spec", "tiny", "--steps", "2", "--methods",
        "baseline,staple", "--ema", "0.9", "--mc-noise", "shared", "--out", averaged.toString());
    assertThat(outcome.exitCode()).isEqualTo(0);
    for (String method : new String[] {"baseline", "staple"}) {
      JsonObject config = JsonFiles.read(averaged.resolve("runs").resolve(method).resolve("config.json"),
          JsonObject.class);
      assertThat(config.getAsJsonObject("settings").get("averageDecay").getAsDouble()).isEqualTo(0.9);
      assertThat(config.getAsJsonObject("settings").get("noiseDraw").getAsString()).isEqualTo("shared");
    }
    assertThat(Files.readString(averaged.resolve("report.md"))).contains("weights averaged (decay 0.9 per step)");
    assertThat(Files.readString(averaged.resolve("report.md"))).contains("10 Monte Carlo samples (their noise "
        + "shared by the batch)");
    // Without --ema the same folder is another experiment.
    CliRunner.Outcome plain = CliRunner.run("experiment", "--data", split.resolve("train.csv").toString(),
        "--test", split.resolve("test.csv").toString(), "--spec", "tiny", "--steps", "2", "--methods",
        "baseline,staple", "--out", averaged.toString());
    assertThat(plain.exitCode()).isNotEqualTo(0);
    assertThat(plain.err()).contains("weights averaged with decay 0.9");
  }

  /** The experiment command on the split with {@code options}, into {@code out}. */
  private CliRunner.Outcome experiment(Path out, String... options) {
    List<String> args = new ArrayList<>(List.of("experiment", "--data", split.resolve("train.csv").toString(),
        "--test", split.resolve("test.csv").toString(), "--out", out.toString()));
    args.addAll(List.of(options));
    return CliRunner.run(args.toArray(String[]::new));
  }

  @Test
  void methodsAndOptionsAreCheckedBeforeAnythingRuns() {
    Path none = dir.resolve("never");
    CliRunner.Outcome unknown = experiment(none, "--methods", "baseline,unet");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("no method 'unet'; choose from baseline, dlema, less-is-more, staple, "
        + "mc-dropout");
    CliRunner.Outcome dropout = experiment(none, "--methods", "mc-dropout");
    assertThat(dropout.exitCode()).isEqualTo(2);
    assertThat(dropout.err()).contains("needs --members");
    CliRunner.Outcome region = experiment(none, "--weight-region", "border");
    assertThat(region.exitCode()).isEqualTo(2);
    assertThat(region.err()).contains("--weight-region must be one of all, disputed, got 'border'");
    CliRunner.Outcome average = experiment(none, "--ema", "1");
    assertThat(average.exitCode()).isEqualTo(2);
    assertThat(average.err()).contains("--ema must lie in [0.0, 0.999999], got 1.0");
    CliRunner.Outcome both = experiment(none, "--steps", "5", "--minutes", "60");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("give --steps or --minutes, not both");
    CliRunner.Outcome seconds = experiment(none, "--minutes", "0.5");
    assertThat(seconds.exitCode()).isEqualTo(2);
    assertThat(seconds.err()).contains("--minutes must lie in [1.0, 100000.0], got 0.5");
    assertThat(Files.exists(none)).isFalse();
  }

  @Test
  void stapleWritesAConsensusDatasetWithOneMaskPerImage() throws Exception {
    Path out = dir.resolve("staple");
    CliRunner.Outcome outcome = CliRunner.run("data", "staple", "--data", TinyRun.data().toString(), "--out",
        out.toString());
    assertThat(outcome.exitCode()).isEqualTo(0);
    var original = DatasetReader.read(TinyRun.data(), ReadOptions.strict());
    var consensus = DatasetReader.read(out, ReadOptions.strict());
    assertThat(consensus.size()).isEqualTo(original.size());
    assertThat(consensus.maxAnnotations()).isEqualTo(1);
    assertThat(Files.readAllLines(out.resolve("staple.csv"))).hasSize(1 + original.annotationCount());
    assertThat(Files.isRegularFile(out.resolve("probability").resolve(original.images().get(0).id()
        + "_staple.png"))).isTrue();
  }
}
