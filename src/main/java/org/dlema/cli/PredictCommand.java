package org.dlema.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.ImageFiles;
import org.dlema.data.RgbImage;
import org.dlema.eval.Pictures;
import org.dlema.export.ModelExporter;
import org.dlema.graph.Tensors;
import org.dlema.io.Progress;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

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
        + "<id> writes <id>_mask.png, <id>_probability.png (heat-map), <id>_aleatoric.png (heat-map of the "
        + "predicted variance, scaled to the image's own maximum) and <id>_overlay.png, all at the input's size, "
        + "plus predictions.csv with one line per image.";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("model", "DIR", "an exported version folder, e.g. export/NAME/1"));
    options.addOption(valued("input", "PATH", "an image file or a folder of images"));
    options.addOption(valued("out", "DIR", "where to write the pictures and predictions.csv"));
    options.addOption(valued("signature", "NAME", "signature to call (default "
        + ModelExporter.DEFAULT_SIGNATURE + ")"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path model = Path.of(required(line, "model"));
    Path input = Path.of(required(line, "input"));
    Path out = Path.of(required(line, "out"));
    if (!Files.isRegularFile(model.resolve("saved_model.pb"))) {
      throw new IOException(model + ": not a SavedModel folder (no saved_model.pb)");
    }
    List<Path> images = images(input);
    Files.createDirectories(out);
    String signature = line.getOptionValue("signature", ModelExporter.DEFAULT_SIGNATURE);
    Progress progress = Progress.onStderr("predicting", images.size());
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), ModelExporter.SERVE);
        Writer csv = Files.newBufferedWriter(out.resolve("predictions.csv"), StandardCharsets.UTF_8)) {
      SessionFunction function = bundle.function(signature);
      if (function == null) {
        throw new UsageException("--signature: the model has no signature '" + signature + "'");
      }
      csv.write("image,width,height,lesion_fraction,mean_probability,mean_aleatoric\n");
      for (Path file : images) {
        RgbImage image = ImageFiles.readRgb(file).image();
        int w = image.width();
        int h = image.height();
        float[] pixels = new float[w * h * 3];
        for (int i = 0; i < pixels.length; i++) {
          pixels[i] = Byte.toUnsignedInt(image.data()[i]);
        }
        float[] probability;
        float[] mask;
        float[] aleatoric;
        try (TFloat32 tensor = Tensors.of(pixels, Shape.of(1, h, w, 3));
            Result result = function.call(Map.of("image", tensor))) {
          probability = Tensors.toArray((TFloat32) result.get("probability").orElseThrow());
          mask = Tensors.toArray((TFloat32) result.get("mask").orElseThrow());
          aleatoric = Tensors.toArray((TFloat32) result.get("aleatoric").orElseThrow());
        }
        String id = ImageFiles.baseName(file);
        ImageFiles.writePng(Pictures.mask(mask, w, h), out.resolve(id + "_mask.png"));
        ImageFiles.writePng(Pictures.heatMap(probability, w, h, 0, 1), out.resolve(id + "_probability.png"));
        double maxVariance = 0;
        for (float v : aleatoric) {
          maxVariance = Math.max(maxVariance, v);
        }
        ImageFiles.writePng(Pictures.heatMap(aleatoric, w, h, 0, maxVariance), out.resolve(id + "_aleatoric.png"));
        ImageFiles.writePng(Pictures.overlay(image, mask, 0x00ff40), out.resolve(id + "_overlay.png"));
        csv.write(String.format(Locale.ROOT, "%s,%d,%d,%.5f,%.5f,%.5f%n", file.getFileName(), w, h, mean(mask),
            mean(probability), mean(aleatoric)));
        progress.step();
      }
      progress.done();
    }
    console.out().println("wrote " + images.size() + " predictions to " + out);
    return 0;
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static List<Path> images(Path input) throws IOException {
    if (Files.isRegularFile(input)) {
      return List.of(input);
    }
    if (!Files.isDirectory(input)) {
      throw new IOException(input + ": no such image file or folder");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(input)) {
      list.filter(Files::isRegularFile)
          .filter(f -> ImageFiles.IMAGE_EXTENSIONS.contains(ImageFiles.extension(f)))
          .sorted().forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IOException(input + ": no image files (" + String.join(", ", ImageFiles.IMAGE_EXTENSIONS) + ")");
    }
    return files;
  }
}
