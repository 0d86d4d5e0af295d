package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user can do wrong, class by class, through the command line: every case exits non-zero (or warns) with one
 * line that names the file or option, prints no exception or stack frame, writes nothing outside the folder asked
 * for, and removes an output folder it created.
 */
@Tag("slow")
class ReliabilityTest {
  @TempDir Path dir;

  /** The one {@code dlema:} line of a failure, checked for its exit code, its words and the absence of a trace. */
  private static String refused(CliRunner.Outcome run, int exitCode, String... words) {
    assertThat(run.exitCode()).isEqualTo(exitCode);
    assertNoTrace(run.err());
    List<String> lines = run.err().lines().filter(l -> l.startsWith("dlema:")).toList();
    assertThat(lines).hasSize(1);
    for (String word : words) {
      assertThat(lines.get(0)).contains(word);
    }
    return lines.get(0);
  }

  private static void assertNoTrace(String err) {
    assertThat(err).doesNotContain("Exception");
    assertThat(err).doesNotContain("at org.");
    assertThat(err).doesNotContain("at java.");
  }

  /** No staging or temporary file anywhere under {@code root}. */
  private static void assertNoLeftovers(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tmp") || n.contains(".partial-")).toList()).isEmpty();
    }
  }

  private static void flipBytes(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (int i = bytes.length / 3; i < bytes.length; i += 5) {
      bytes[i] ^= 0x5a;
    }
    Files.write(file, bytes);
  }

  private Path copyOfTinyRun(String name) throws IOException {
    Path run = dir.resolve(name);
    TestFiles.copyTree(TinyRun.run(), run);
    return run;
  }

  private Path exportedModel(String name) throws IOException {
    Path root = dir.resolve("exports-" + name);
    CliRunner.Outcome export = CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", root.toString(),
        "--name", "m");
    assertThat(export.exitCode()).isEqualTo(0);
    return root.resolve("m").resolve("1");
  }

  @Test
  void namesThatWouldEscapeTheirFolderAreRefused() throws Exception {
    Path root = dir.resolve("exports").resolve("root");
    for (String name : new String[] {"..", ".", "...", "a/b", "../up", "/abs", ""}) {
      String line = refused(CliRunner.run("export", "--run", TinyRun.run().toString(), "--out", root.toString(),
          "--name", name), 2, "--name must be a plain folder name", "'" + name + "'");
      assertThat(line).startsWith("dlema: --name");
    }
    // The default name is the run folder's: the root folder has none.
    refused(CliRunner.run("export", "--run", "/", "--out", root.toString()), 2, "the model name",
        "unless --name gives one", "''");
    assertThat(Files.exists(dir.resolve("exports"))).isFalse();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @Test
  void aFileOutputThatCannotBeWrittenNamesTheUsersPathNotATemporaryOne() throws Exception {
    String data = TinyRun.data().toString();
    Path folder = Files.createDirectory(dir.resolve("a-folder"));
    String line = refused(CliRunner.run("data", "partition", "--data", data, "--out", folder.toString()), 1,
        folder + " is a folder");
    assertThat(line).doesNotContain(".tmp");
    assertNoLeftovers(dir);
    // A place no file can be made (the kernel's /proc): the message names the path given.
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
    line = refused(CliRunner.run("data", "partition", "--data", data, "--out", "/proc/partition.json"), 1,
        "/proc/partition.json: no such file or folder");
    assertThat(line).doesNotContain(".tmp");
  }

  @Test
  void damagedCheckpointsAreNamedByEveryVerbThatReadsThem() throws Exception {
    Path flipped = copyOfTinyRun("flipped");
    Path latest = flipped.resolve("checkpoints/latest/model.data-00000-of-00001");
    flipBytes(latest);
    refused(CliRunner.run("train", "--resume", "--steps", "6", "--out", flipped.toString()), 1,
        latest + ": damaged", "Checksum");

    Path cut = copyOfTinyRun("cut");
    Path best = cut.resolve("checkpoints/best/model.data-00000-of-00001");
    TestFiles.truncate(best, 0.5);
    Path exports = dir.resolve("exports");
    refused(CliRunner.run("export", "--run", cut.toString(), "--out", exports.toString()), 1, best + ": damaged");
    assertThat(Files.exists(exports)).isFalse();
    Path report = dir.resolve("report");
    refused(CliRunner.run("evaluate", "--run", cut.toString(), "--data", TinyRun.data().toString(), "--out",
        report.toString()), 1, best + ": damaged");
    assertThat(Files.exists(report)).isFalse();

    Path index = copyOfTinyRun("index").resolve("checkpoints/best/model.index");
    Files.write(index, new byte[7]);
    refused(CliRunner.run("export", "--run", index.getParent().getParent().getParent().toString(), "--out",
        exports.toString()), 1, index + ": damaged");

    // An ensemble names the member whose checkpoint is damaged.
    Path ensemble = dir.resolve("ensemble");
    TestFiles.copyTree(TinyRun.ensemble(), ensemble);
    Path member = ensemble.resolve("members/2/checkpoints/best/model.data-00000-of-00001");
    assertThat(Files.isRegularFile(member)).isTrue();
    flipBytes(member);
    refused(CliRunner.run("export", "--run", ensemble.toString(), "--out", exports.toString()), 1,
        member + ": damaged");
    assertThat(Files.exists(exports)).isFalse();
    assertNoLeftovers(dir);
  }

  @Test
  void damagedJsonFilesOfARunAreNamed() throws Exception {
    Path run = copyOfTinyRun("run");
    Path config = Files.writeString(run.resolve("config.json"), "not json {");
    refused(CliRunner.run("train", "--resume", "--steps", "6", "--out", run.toString()), 1,
        config + ": damaged", "not valid JSON");
    refused(CliRunner.run("export", "--run", run.toString(), "--out", dir.resolve("e").toString()), 1,
        config + ": damaged");
    refused(CliRunner.run("weights", "--run", run.toString()), 1, config + ": damaged");

    Path other = copyOfTinyRun("state");
    Path state = Files.writeString(other.resolve("checkpoints/latest/state.json"), "{\"step\": ");
    refused(CliRunner.run("train", "--resume", "--steps", "6", "--out", other.toString()), 1,
        state + ": damaged");
    Path partial = copyOfTinyRun("partial");
    Path split = Files.writeString(partial.resolve("split.json"), "{\"seed\": 1}");
    refused(CliRunner.run("train", "--resume", "--steps", "6", "--out", partial.toString()), 1,
        split + ": damaged (not the expected JSON: fields are missing or of the wrong type)");
    Path shape = copyOfTinyRun("shape");
    Path wrong = Files.writeString(shape.resolve("config.json"), "[1, 2, 3]");
    refused(CliRunner.run("export", "--run", shape.toString(), "--out", dir.resolve("e").toString()), 1,
        wrong + ": damaged");
    assertThat(Files.exists(dir.resolve("e"))).isFalse();
  }

  @Test
  void damagedSavedModelsAreNamedByEveryVerbThatReadsThem() throws Exception {
    Path version = exportedModel("good");
    Path image = TinyRun.data().resolve("images").resolve("synth_0000.png");

    Path empty = dir.resolve("empty/m/1");
    TestFiles.copyTree(version, empty);
    Path pb = empty.resolve("saved_model.pb");
    Files.write(pb, new byte[0]);
    refused(CliRunner.run("inspect", empty.toString()), 1, pb + ": damaged");
    refused(CliRunner.run("predict", "--model", empty.toString(), "--input", image.toString(), "--out",
        dir.resolve("p").toString()), 1, pb + ": damaged");
    refused(CliRunner.run("evaluate", "--model", empty.toString(), "--data", TinyRun.data().toString(), "--out",
        dir.resolve("r").toString()), 1, pb + ": damaged");
    refused(CliRunner.run("request", "--model", empty.toString(), "--image", image.toString()), 1,
        pb + ": damaged");

    Path cut = dir.resolve("cut/m/1");
    TestFiles.copyTree(version, cut);
    TestFiles.truncate(cut.resolve("saved_model.pb"), 0.3);
    refused(CliRunner.run("inspect", cut.toString()), 1, cut.resolve("saved_model.pb") + ": damaged");

    Path variables = dir.resolve("variables/m/1");
    TestFiles.copyTree(version, variables);
    Path data = variables.resolve("variables/variables.data-00000-of-00001");
    TestFiles.truncate(data, 0.5);
    refused(CliRunner.run("predict", "--model", variables.toString(), "--input", image.toString(), "--out",
        dir.resolve("p").toString()), 1, data + ": damaged");

    Path card = dir.resolve("card/m/1");
    TestFiles.copyTree(version, card);
    Path cardFile = Files.writeString(card.resolve("assets.extra/model_card.json"), "xx");
    refused(CliRunner.run("inspect", card.toString()), 1, cardFile + ": damaged");

    assertThat(Files.exists(dir.resolve("p"))).isFalse();
    assertThat(Files.exists(dir.resolve("r"))).isFalse();
  }

  /** A PNG whose header claims {@code width x height}; its few pixels decode to nothing (only the size is read). */
  private static Path claimedSizePng(Path file, int width, int height) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(png, "IHDR", header.array());
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    try (OutputStream deflate = new DeflaterOutputStream(pixels)) {
      deflate.write(new byte[1 + 3 * 16]);
    }
    chunk(png, "IDAT", pixels.toByteArray());
    chunk(png, "IEND", new byte[0]);
    Files.createDirectories(file.getParent());
    return Files.write(file, png.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void sizesTheMachineCannotHoldAreRefusedBeforeStarting() throws Exception {
    Path synth = dir.resolve("synth");
    refused(CliRunner.run("data", "synth", "--out", synth.toString(), "--count", "2000000000"), 1,
        "2000000000 images are more than this process can hold", "DLEMA_JAVA_OPTS=-Xmx");
    refused(CliRunner.run("data", "synth", "--out", synth.toString(), "--count", "1000000", "--size", "100000"), 1,
        "need about", "GB on disk", "images of this size fit");
    assertThat(Files.exists(synth)).isFalse();
    Path run = dir.resolve("run");
    refused(CliRunner.run("train", "--data", TinyRun.data().toString(), "--spec", "tiny", "--steps", "1", "--batch",
        "1000000", "--out", run.toString()), 1, "a batch of 1000000 images at 32 x 32 takes about",
        "use a smaller batch");
    assertThat(Files.exists(run)).isFalse();

    Path huge = claimedSizePng(dir.resolve("inputs/huge.png"), 100_000, 100_000);
    Path out = dir.resolve("predictions");
    refused(CliRunner.run("predict", "--model", exportedModel("huge").toString(), "--input", huge.toString(),
        "--out", out.toString()), 1, huge + ": 100000 x 100000 pixels is more than this process can hold",
        "megapixels", "DLEMA_JAVA_OPTS=-Xmx");
    assertThat(Files.exists(out)).isFalse();
    TestFiles.write(TestFiles.mask(100, 100, 255), "png", dir.resolve("set/masks/huge_1.png"));
    Files.copy(huge, Files.createDirectories(dir.resolve("set/images")).resolve("huge.png"));
    CliRunner.Outcome inspect = CliRunner.run("data", "inspect", "--data", dir.resolve("set").toString());
    assertThat(inspect.exitCode()).isEqualTo(1);
    assertThat(inspect.out()).contains("100000 x 100000 pixels is more than this process can hold");
    assertNoTrace(inspect.err());
  }

  @Test
  void outOfMemoryBecomesOneLineWithTheRemedy() {
    ErrorLine.Described heap = ErrorLine.of(new OutOfMemoryError("Java heap space"));
    assertThat(heap.internal()).isFalse();
    assertThat(heap.line()).contains("out of memory");
    assertThat(heap.line()).contains("DLEMA_JAVA_OPTS=-Xmx");
    assertThat(heap.line()).contains("--batch");
    // Wrapped the way a background batch thread hands it over.
    assertThat(ErrorLine.of(new RuntimeException(new OutOfMemoryError())).line()).contains("out of memory");
  }

  @Test
  void unexpectedInternalErrorsPrintOneLineAndTheTraceOnlyWithDebug() {
    ErrorLine.Described bug = ErrorLine.of(new ArrayIndexOutOfBoundsException("Index 0 out of bounds for length 0"));
    assertThat(bug.internal()).isTrue();
    assertThat(bug.line()).isEqualTo("Index 0 out of bounds for length 0");
    assertThat(ErrorLine.of(new NullPointerException()).line()).isEqualTo("null pointer");
    // --debug is accepted anywhere and shows the trace of a failure; without it there is none.
    CliRunner.Outcome quiet = CliRunner.run("export", "--run", dir.resolve("nothing").toString());
    assertNoTrace(quiet.err());
    CliRunner.Outcome debug = CliRunner.run("export", "--debug", "--run", dir.resolve("nothing").toString());
    assertThat(debug.exitCode()).isEqualTo(1);
    assertThat(debug.err()).contains("at org.dlema.");
  }

  private Path manifest(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  /** Manifest rows of the first images of the tiny data set, with absolute paths. */
  private static List<String> rows(int images) throws IOException {
    Path data = TinyRun.data();
    List<String> lines = Files.readAllLines(data.resolve("manifest.csv"));
    List<String> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      String id = cells[0].replaceAll(".*/|\\.png$", "");
      if (Integer.parseInt(id.replace("synth_", "")) < images) {
        rows.add(data.resolve(cells[0]) + "," + data.resolve(cells[1]) + "," + cells[2]);
      }
    }
    return rows;
  }

  @Test
  void degenerateDatasetsAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path one = manifest("one.csv", "image,mask,annotator\n" + String.join("\n", rows(1)) + "\n");
    Path run = dir.resolve("runs/one");
    refused(CliRunner.run("train", "--data", one.toString(), "--spec", "tiny", "--steps", "2", "--out",
        run.toString()), 1, one + ": 1 usable image(s) leave none for validation");
    refused(CliRunner.run("train", "--method", "dlema", "--data", one.toString(), "--spec", "tiny", "--steps", "2",
        "--out", run.toString()), 1, "leave none for validation");
    refused(CliRunner.run("experiment", "--data", one.toString(), "--test", one.toString(), "--spec", "tiny",
        "--steps", "2", "--out", dir.resolve("runs/experiment").toString()), 1, "leave none for validation");
    // A selection that leaves nothing to train on.
    refused(CliRunner.run("train", "--method", "less-is-more", "--min-kappa", "1", "--data",
        TinyRun.data().toString(), "--spec", "tiny", "--steps", "2", "--out", run.toString()), 1,
        "every training image has a mean pairwise kappa below 1", "lower --min-kappa");
    assertThat(Files.exists(dir.resolve("runs"))).isFalse();

    // Test masks that are all empty: the figures are degenerate, the report says so.
    Path set = dir.resolve("blank");
    for (int i = 0; i < 3; i++) {
      TestFiles.write(TestFiles.rgb(40, 30), "png", set.resolve("images/b" + i + ".png"));
      TestFiles.write(TestFiles.mask(40, 30, 0), "png", set.resolve("masks/b" + i + "_1.png"));
    }
    Path report = dir.resolve("report");
    CliRunner.Outcome evaluate = CliRunner.run("evaluate", "--model", exportedModel("blank").toString(), "--data",
        set.toString(), "--out", report.toString());
    assertThat(evaluate.exitCode()).isEqualTo(0);
    assertNoTrace(evaluate.err());
    assertThat(evaluate.err()).contains("dlema: warning: blank: 3 of 3 annotations are empty masks");
    assertThat(Files.readString(report.resolve("tables.md"))).contains("**Warning:** blank: 3 of 3 annotations "
        + "are empty masks");
  }

  @Test
  void aFolderWithABadImageIsRefusedWholeAndNothingIsHalfWritten() throws Exception {
    Path inputs = dir.resolve("inputs");
    Files.copy(TinyRun.data().resolve("images/synth_0000.png"), Files.createDirectories(inputs).resolve("a.png"));
    Files.copy(TinyRun.data().resolve("images/synth_0001.png"), inputs.resolve("b.png"));
    Path broken = TestFiles.truncate(Files.copy(TinyRun.data().resolve("images/synth_0002.png"),
        inputs.resolve("c.png")), 0.3);
    Path garbage = Files.writeString(inputs.resolve("d.jpg"), "not an image");
    Files.writeString(inputs.resolve("notes.txt"), "ignored: not an image extension");
    Path model = exportedModel("mixed");

    Path fresh = dir.resolve("out/fresh");
    refused(CliRunner.run("predict", "--model", model.toString(), "--input", inputs.toString(), "--out",
        fresh.toString()), 1, "2 of 4 images cannot be read, nothing was written", broken.toString(),
        garbage.toString());
    assertThat(Files.exists(dir.resolve("out"))).isFalse();

    Path existing = Files.createDirectories(dir.resolve("existing"));
    refused(CliRunner.run("predict", "--model", model.toString(), "--input", inputs.toString(), "--out",
        existing.toString()), 1, "cannot be read");
    try (Stream<Path> left = Files.list(existing)) {
      assertThat(left.toList()).isEmpty();
    }
    assertNoLeftovers(dir);

    // The good files alone: every picture has its row.
    Files.delete(broken);
    Files.delete(garbage);
    CliRunner.Outcome good = CliRunner.run("predict", "--model", model.toString(), "--input", inputs.toString(),
        "--out", existing.toString());
    assertThat(good.exitCode()).isEqualTo(0);
    assertThat(Files.readAllLines(existing.resolve(PredictCommand.CSV))).hasSize(3);
  }

  @Test
  void manifestsAsSpreadsheetsSaveThemAreRead() throws Exception {
    List<String> rows = rows(3);
    String plain = "image,mask,annotator\n" + String.join("\n", rows) + "\n";
    Path bom = manifest("bom.csv", "\uFEFF" + plain);
    Path crlf = manifest("crlf.csv", plain.replace("\n", "\r\n"));
    StringBuilder quotedText = new StringBuilder("\"image\",\"mask\",\"annotator\"\r\n");
    for (String row : rows) {
      quotedText.append('"').append(row.replace(",", "\",\"")).append("\"\r\n");
    }
    Path quoted = manifest("quoted.csv", "\uFEFF" + quotedText);
    for (Path csv : List.of(bom, crlf, quoted)) {
      CliRunner.Outcome inspect = CliRunner.run("data", "inspect", "--data", csv.toString());
      assertThat(inspect.exitCode()).isEqualTo(0);
      assertThat(inspect.out()).contains("images:       3");
      assertThat(inspect.out()).contains("errors:       none");
      assertNoTrace(inspect.err());
    }

    Path folderRow = manifest("folder.csv", plain + TinyRun.data().resolve("images") + ","
        + TinyRun.data().resolve("masks/synth_0000_annotator1.png") + ",x\n");
    CliRunner.Outcome folder = CliRunner.run("data", "inspect", "--data", folderRow.toString());
    assertThat(folder.exitCode()).isEqualTo(1);
    assertThat(folder.out()).contains(TinyRun.data().resolve("images") + ": listed as an image on line "
        + (rows.size() + 2) + " of " + folderRow + " but is a folder");
    assertThat(folder.out()).doesNotContain("does not exist");

    Path latin = dir.resolve("latin1.csv");
    Files.write(latin, ("image,mask\n" + rows.get(0).replace("synth_0000", "l\u00e9sion")).getBytes(
        StandardCharsets.ISO_8859_1));
    CliRunner.Outcome notUtf8 = CliRunner.run("data", "inspect", "--data", latin.toString());
    assertThat(notUtf8.exitCode()).isEqualTo(1);
    assertThat(notUtf8.err() + notUtf8.out()).contains(latin + ": not UTF-8 text");
    assertNoTrace(notUtf8.err());
  }

  @Test
  void aLesionDrawnOnlyInTheAlphaChannelIsReadFromItWithAWarning() throws Exception {
    Path set = dir.resolve("alpha");
    TestFiles.write(TestFiles.rgb(20, 10), "png", set.resolve("images/a.png"));
    BufferedImage alpha = new BufferedImage(20, 10, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 5; x++) {
        alpha.setRGB(x, y, 0xff000000);
      }
    }
    Path mask = TestFiles.write(alpha, "png", set.resolve("masks/a_1.png"));
    TestFiles.write(TestFiles.mask(20, 10, 255), "png", set.resolve("masks/a_2.png"));
    CliRunner.Outcome inspect = CliRunner.run("data", "inspect", "--data", set.toString());
    assertThat(inspect.exitCode()).isEqualTo(0);
    assertThat(inspect.out()).contains(mask + ": colour channels are all black; the mask was read from the alpha "
        + "channel");
    // Read from the alpha, the mask is a quarter of the image (not empty), so it agrees partly with a_2.
    assertThat(inspect.out()).doesNotContain("mask is empty");
  }

  @Test
  void outputPathsThatAreFilesAndRepeatedOptionsAreUsageErrors() throws Exception {
    Path file = Files.writeString(dir.resolve("taken"), "a file");
    String data = TinyRun.data().toString();
    refused(CliRunner.run("train", "--data", data, "--spec", "tiny", "--steps", "2", "--out", file.toString()), 2,
        "--out " + file + " is an existing file");
    refused(CliRunner.run("data", "synth", "--count", "5", "--out", file.toString()), 2, "is an existing file");
    refused(CliRunner.run("predict", "--model", dir.toString(), "--input", data, "--out", file.toString()), 2,
        "is an existing file");
    refused(CliRunner.run("evaluate", "--model", dir.toString(), "--data", data, "--out", file.toString()), 2,
        "is an existing file");
    assertThat(Files.readString(file)).isEqualTo("a file");

    Path run = dir.resolve("run");
    refused(CliRunner.run("train", "--data", data, "--spec", "tiny", "--steps", "2", "--steps", "3", "--out",
        run.toString()), 2, "--steps is given 2 times (2, 3); give it once");
    refused(CliRunner.run("train", "--data", data, "--resume", "--resume", "--out", run.toString()), 2,
        "--resume is given 2 times");
    assertThat(Files.exists(run)).isFalse();
    // Options documented as repeatable stay so.
    CliRunner.Outcome twice = CliRunner.run("evaluate", "--run", dir.resolve("a").toString(), "--run",
        dir.resolve("b").toString(), "--data", data, "--out", dir.resolve("r").toString());
    assertThat(twice.err()).doesNotContain("given 2 times");
  }

  /** Runs the {@code dlema} launcher on this build's classes, as a user's shell would (no log level set). */
  private static Launched launch(String... args) throws IOException, InterruptedException {
    return launch(Map.of(), args);
  }

  private static Launched launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", "dlema"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    builder.environment().putAll(env);
    builder.environment().put("DLEMA_CLASSPATH", System.getProperty("java.class.path"));
    Process process = builder.start();
    process.getOutputStream().close();
    var out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Launched(process.waitFor(), new String(out, StandardCharsets.UTF_8), err);
  }

  private record Launched(int exitCode, String out, String err) {}

  @Test
  void aNonAsciiPathIsReadUnderTheCLocale() throws Exception {
    assumeTrue(StandardCharsets.UTF_8.name().equals(System.getProperty("sun.jnu.encoding")),
        "the test itself must be able to name the folder");
    Path data = dir.resolve("d\u00e4t\u00e4-\u00fc");
    TestFiles.copyTree(TinyRun.data(), data);
    Launched inspected = launch(Map.of("LC_ALL", "C", "LANG", "C"), "data", "inspect", data.toString());
    assertWithMessage(inspected.err()).that(inspected.exitCode()).isEqualTo(0);
    assertThat(inspected.out()).contains("result:       no errors");
    // Where Java cannot name the path, the line says why and what to do instead of "Malformed input".
    String line = ErrorLine.of(new InvalidPathException("/data/d\u00e4t\u00e4",
        "Malformed input or input contains unmappable characters")).line();
    assertThat(line).contains("/data/d\u00e4t\u00e4");
    assertThat(line).contains("LC_ALL=C.UTF-8");
  }

  @Test
  void tensorFlowsStartUpLinesAreShownOnlyWhenAskedFor() throws Exception {
    String[] train = {"train", "--data", TinyRun.data().toString(), "--spec", "tiny", "--steps", "2", "--out", ""};
    train[train.length - 1] = dir.resolve("quiet").toString();
    Launched quiet = launch(train);
    assertThat(quiet.exitCode()).isEqualTo(0);
    List<String> lines = quiet.err().lines().toList();
    assertThat(lines.stream().filter(l -> l.contains("tensorflow/") || l.contains("absl") || l.contains("MLIR")
        || l.contains("oneDNN") || l.matches("^[IWE]\\d{4} .*")).toList()).isEmpty();

    train[train.length - 1] = dir.resolve("verbose").toString();
    String[] verbose = java.util.Arrays.copyOf(train, train.length + 1);
    verbose[train.length] = "--verbose";
    Launched shown = launch(verbose);
    assertThat(shown.exitCode()).isEqualTo(0);
    assertThat(shown.err()).contains("tensorflow/");

    // A failure through the launcher: one line, nothing else.
    Launched failed = launch("export", "--run", dir.resolve("missing").toString());
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err().strip().lines().toList()).hasSize(1);
    assertNoTrace(failed.err());
  }
}
