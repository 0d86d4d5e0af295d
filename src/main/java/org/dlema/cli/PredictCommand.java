package org.dlema.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.ImageFiles;
import org.dlema.data.RgbImage;
import org.dlema.eval.PredictionPictures;
import org.dlema.export.ModelExporter;
import org.dlema.export.ServedModel;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/** {@code dlema predict}: run an exported model on image files, as any client of the SavedModel would. */
final class PredictCommand extends OptionsCommand {
  PredictCommand() {
    super("predict");
  }

  @Override
  public String summary() {
    return "segment images with an exported model: masks, heat-maps, overlays and a CSV summary";
  }

  @Override
  String description() {
    return "Loads a SavedModel (as TF Serving does) and feeds each image at its own size. For every image "
        + "<id> writes <id>_mask.png, <id>_probability.png (heat-map on 0..1), <id>_aleatoric.png (heat-map of "
        + "the predicted logit variance on 0.." + fmt(PredictionPictures.ALEATORIC_TOP) + "), for an ensemble "
        + "<id>_epistemic.png (the members' disagreement, the probability's variance on 0.."
        + fmt(PredictionPictures.EPISTEMIC_TOP) + "), and <id>_overlay.png, all at the input's size, with one "
        + "colour bar per scale (colourbar_*.png; every image shares the scales) and predictions.csv "
        + "with one line per image (image id, size, lesion fraction, mean probability, mean aleatoric variance, "
        + "mean epistemic variance for an ensemble). An ensemble's signatures are serving_default, uniform, "
        + "pixel_confidence and image_confidence (dlema inspect lists them); every model also has image_bytes, "
        + "which takes each file's bytes as they are on disk and decodes them inside the graph.";
  }

  /** A scale's top as written, 4 rather than 4.0. */
  private static String fmt(double top) {
    return java.math.BigDecimal.valueOf(top).stripTrailingZeros().toPlainString();
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("model", "DIR", "an exported version folder, e.g. export/NAME/1, or the model's base "
        + "path export/NAME, whose highest version is used (as TF Serving does)"));
    options.addOption(valued("input", "PATH", "an image file, a folder of images, or a dataset folder (its "
        + "images/)"));
    options.addOption(valued("out", "DIR", "where to write the pictures and predictions.csv"));
    options.addOption(valued("signature", "NAME", "signature to call, e.g. image_bytes to send the files as they "
        + "are (default " + ModelExporter.DEFAULT_SIGNATURE + ")"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path model = modelFolder(Path.of(required(line, "model")), console);
    Path input = Path.of(required(line, "input"));
    Path out = Path.of(required(line, "out"));
    String signature = line.getOptionValue("signature", ModelExporter.DEFAULT_SIGNATURE);
    List<Path> images;
    try (ServedModel served = ServedModel.load(model, signature)) {
      images = images(input);
      refuseOverwritingInputs(images, out);
      ImageFiles.requireReadable(images, Progress.onStderr("checking", images.size()));
      // Written into a hidden staging folder and moved into OUT only when every image is done: an interrupted or
      // failed run leaves OUT as it found it.
      try (AtomicDirectory staged = AtomicDirectory.create(out.resolve(".predicting"))) {
        Path work = staged.path();
        if (!PredictionPictures.writeColourBars(work)) {
          console.err().println("dlema: warning: this Java cannot draw text (no fonts), so no colour bars were "
              + "written; the scales are in docs/cli.md");
        }
        Progress progress = Progress.onStderr("predicting", images.size());
        List<String> csv = new ArrayList<>(List.of(PredictionPictures.CSV_HEADER));
        for (Path file : images) {
          RgbImage image = ImageFiles.readRgb(file).image();
          ServedModel.Prediction p = served.predict(image, served.takesFiles() ? Files.readAllBytes(file) : null);
          csv.add(PredictionPictures.write(ImageFiles.baseName(file), image, p.probability(), p.mask(),
              p.aleatoric(), p.epistemic(), work));
          progress.step();
        }
        progress.done();
        JsonFiles.writeString(work.resolve(CSV), String.join("\n", csv) + "\n");
        try (var files = Files.list(work)) {
          for (Path file : files.toList()) {
            Files.move(file, out.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    console.out().println("wrote " + images.size() + " predictions to " + out);
    return 0;
  }

  static final String CSV = "predictions.csv";

  /** Refuses, before anything is written, an output folder where a picture or the CSV would replace an input. */
  private static void refuseOverwritingInputs(List<Path> images, Path out) throws IOException {
    Set<Path> inputs = new HashSet<>();
    for (Path image : images) {
      inputs.add(image.toAbsolutePath().normalize());
    }
    List<String> outputs = new ArrayList<>(List.of(CSV));
    outputs.addAll(PredictionPictures.colourBarNames());
    images.forEach(image -> outputs.addAll(PredictionPictures.names(ImageFiles.baseName(image))));
    for (String name : outputs) {
      Path target = out.resolve(name).toAbsolutePath().normalize();
      if (inputs.contains(target) || Files.exists(target) && inputs.stream().anyMatch(i -> isSame(i, target))) {
        throw new IOException(target + " is one of the input images, and predict would write over it; give --out "
            + "another folder");
      }
    }
  }

  private static boolean isSame(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> images(Path input) throws IOException {
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    if (!Files.isDirectory(input)) {
      throw new IOException(input + ": no such image file or folder");
    }
    // A dataset folder (images/ and masks/) is read for its images, as train and evaluate read it.
    if (Files.isDirectory(input.resolve("images")) && Files.isDirectory(input.resolve("masks"))) {
      input = input.resolve("images");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(input)) {
      list.filter(Files::isRegularFile)
          .filter(f -> ImageFiles.IMAGE_EXTENSIONS.contains(ImageFiles.extension(f)))
          .sorted().forEach(files::add);
    }
    Set<String> ids = new HashSet<>();
    for (Path file : files) {
      if (!ids.add(ImageFiles.baseName(file))) {
        throw new IOException(file + ": another input has the same name before its extension; its pictures "
            + "would overwrite each other's");
      }
    }
    if (files.isEmpty()) {
      throw new IOException(input + ": no image files (" + String.join(", ", ImageFiles.IMAGE_EXTENSIONS) + ")");
    }
    return files;
  }
}
