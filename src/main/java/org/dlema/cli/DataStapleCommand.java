package org.dlema.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.BinaryMask;
import org.dlema.data.CsvLine;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.LoadedImage;
import org.dlema.data.Manifests;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.staple.Staple;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/** {@code dlema data staple}: the STAPLE consensus of every image's annotations, as a dataset of its own. */
final class DataStapleCommand extends OptionsCommand {
  DataStapleCommand() {
    super("data staple");
  }

  @Override
  public String summary() {
    return "STAPLE consensus of each image's masks (EM over annotator sensitivity/specificity), as a dataset";
  }

  @Override
  String description() {
    return "Estimates, per image, the hidden true mask from its annotations by STAPLE (Warfield et al. 2004): "
        + "expectation-maximisation over each annotator's sensitivity and specificity, in double precision. "
        + "Writes OUT/masks/<id>_staple.png (the consensus, probability >= 0.5), OUT/probability/<id>_staple.png "
        + "(the consensus probability as grey 0..255), OUT/staple.csv (per image and annotation: sensitivity, "
        + "specificity, EM iterations, convergence) and OUT/manifest.csv, so that OUT is itself a dataset with "
        + "one mask per image (the original images are referenced, not copied). OUT appears complete or not at "
        + "all.";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("data", "DIR", "the dataset (folder or manifest)"));
    options.addOption(valued("out", "DIR", "where to write the consensus dataset (must not exist)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    MultiAnnotatedDataset dataset = DatasetReader.read(dataOption(line), ReadOptions.strict());
    Path out = Path.of(required(line, "out"));
    List<AnnotatedImage> images = dataset.images();
    String[] rows = new String[images.size()];
    List<AnnotatedImage> consensus = new ArrayList<>();
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      Progress progress = Progress.onStderr("STAPLE", images.size());
      IntStream.range(0, images.size()).parallel().forEach(i -> {
        AnnotatedImage entry = images.get(i);
        List<BinaryMask> masks = LoadedImage.load(entry).masks();
        Staple.Result result = Staple.estimate(masks.stream().map(BinaryMask::toBooleans).toList());
        int w = masks.get(0).width();
        int h = masks.get(0).height();
        try {
          ImageFiles.writePng(new BinaryMask(w, h, result.mask()).toBufferedImage(),
              dir.path().resolve("masks").resolve(entry.id() + "_staple.png"));
          BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
          for (int q = 0; q < w * h; q++) {
            int v = (int) Math.round(255 * result.probability()[q]);
            grey.getRaster().setSample(q % w, q / w, 0, v);
          }
          ImageFiles.writePng(grey, dir.path().resolve("probability").resolve(entry.id() + "_staple.png"));
        } catch (IOException e) {
          throw new UncheckedIOException(entry.id() + ": " + e.getMessage(), e);
        }
        StringBuilder csv = new StringBuilder();
        for (int a = 0; a < masks.size(); a++) {
          csv.append(CsvLine.join(entry.id(), entry.annotations().get(a).file().getFileName().toString(),
              String.format(Locale.ROOT, "%.6f", result.sensitivity()[a]),
              String.format(Locale.ROOT, "%.6f", result.specificity()[a]), Integer.toString(result.iterations()),
              Boolean.toString(result.converged()))).append('\n');
        }
        rows[i] = csv.toString();
        progress.step();
      });
      progress.done();
      for (AnnotatedImage entry : images) {
        consensus.add(new AnnotatedImage(entry.id(), entry.image(), List.of(Annotation.of(
            out.resolve("masks").resolve(entry.id() + "_staple.png"), "staple"))));
      }
      JsonFiles.writeString(dir.path().resolve("staple.csv"),
          "image,annotation,sensitivity,specificity,iterations,converged\n" + String.join("", rows));
      JsonFiles.writeString(dir.path().resolve(DatasetReader.MANIFEST), Manifests.of(consensus, out));
      dir.commit();
    }
    console.out().println("wrote the STAPLE consensus of " + images.size() + " images to " + out);
    return 0;
  }
}
