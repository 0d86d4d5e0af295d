package org.dlema.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.BinaryMask;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.RgbImage;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.preprocess.Resize;
import org.dlema.eval.WeightPanel;
import org.dlema.io.JsonFiles;
import org.dlema.train.EnsembleRun;
import org.dlema.train.RunConfig;
import org.dlema.train.TrainingRun;
import org.dlema.train.WeightMaps;

/** {@code dlema weights}: the paper's Figure 3/4 panel for one training image of an ensemble run. */
final class WeightsCommand extends OptionsCommand {
  WeightsCommand() {
    super("weights");
  }

  @Override
  public String summary() {
    return "draw the learned weight maps of an ensemble run for one image (paper Figures 3-4)";
  }

  @Override
  String description() {
    return "For one training image of a dlema run: a row per member with the image, the member's trusted "
        + "annotation, and for every annotation its mask, the inconsistency map |trusted - annotation| and the "
        + "latest weight map the member learned for it. Only the sampled images have maps (see --weight-samples "
        + "of dlema train); without --image the first sampled image with the most annotations is drawn.";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("run", "DIR", "a dlema ensemble run folder"));
    options.addOption(valued("image", "ID", "image id (default: a sampled image with the most annotations)"));
    options.addOption(valued("out", "FILE", "PNG to write (default RUN/weights-<id>.png)"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    Path run = Path.of(required(line, "run"));
    if (!Files.isRegularFile(run.resolve(TrainingRun.CONFIG))) {
      throw new IOException(run + ": not a run folder (no " + TrainingRun.CONFIG + ")");
    }
    Path out = draw(run, line.getOptionValue("image"), line.hasOption("out") ? Path.of(line.getOptionValue("out"))
        : null);
    console.out().println("wrote " + out);
    return 0;
  }

  /**
   * Draws the panel of {@code id} (or of the sampled image with the most annotations when null) into {@code out}
   * (or {@code RUN/weights-<id>.png} when null); returns the file written.
   */
  static Path draw(Path run, String id, Path out) throws IOException, UsageException {
    RunConfig config = JsonFiles.read(run.resolve(TrainingRun.CONFIG), RunConfig.class);
    if (config.ensemble() == null) {
      throw new IOException(run + ": a " + config.method() + " run has no weight maps (train --method dlema)");
    }
    NonContradictoryPartition partition = NonContradictoryPartition.load(run.resolve(EnsembleRun.PARTITION));
    MultiAnnotatedDataset dataset = DatasetReader.read(config.data(), ReadOptions.strict());
    int side = config.spec().inputSize();
    int members = config.ensemble().members();

    List<List<WeightMaps.Entry>> indexes = new ArrayList<>();
    for (int i = 1; i <= members; i++) {
      Path memberRun = EnsembleRun.member(run, i);
      indexes.add(Files.isRegularFile(memberRun.resolve(WeightMaps.FOLDER).resolve("index.json"))
          ? WeightMaps.index(memberRun).maps() : List.of());
    }
    if (id == null) {
      id = indexes.stream().flatMap(List::stream).map(WeightMaps.Entry::image).distinct()
          .max((a, b) -> Integer.compare(dataset.image(a).annotationCount(), dataset.image(b).annotationCount()))
          .orElseThrow(() -> new IOException(run + ": no member has weight maps yet (train it first)"));
    }
    final String image = id;
    if (indexes.stream().flatMap(List::stream).noneMatch(e -> e.image().equals(image))) {
      throw new UsageException("--image: no weight maps for '" + image + "'; sampled images: " + String.join(", ",
          indexes.stream().flatMap(List::stream).map(WeightMaps.Entry::image).distinct().sorted().toList()));
    }
    AnnotatedImage entry = dataset.image(image);
    LoadedImage loaded = LoadedImage.load(entry);
    BufferedImage picture = new RgbImage(side, side, toBytes(Resize.image(loaded.image(), side, side)))
        .toBufferedImage();
    List<float[]> masks = new ArrayList<>();
    for (BinaryMask mask : loaded.masks()) {
      masks.add(Resize.mask(mask, side, side).toFloats());
    }
    List<WeightPanel.Row> rows = new ArrayList<>();
    for (int i = 1; i <= members; i++) {
      int trusted = 0;
      for (int k = 0; k < entry.annotationCount(); k++) {
        if (partition.subsetOf(image, k) == i - 1) {
          trusted = k;
        }
      }
      List<float[]> weights = new ArrayList<>();
      for (int k = 0; k < entry.annotationCount(); k++) {
        final int annotation = k;
        var stored = indexes.get(i - 1).stream()
            .filter(e -> e.image().equals(image) && e.annotation() == annotation).findFirst();
        weights.add(stored.isPresent() ? WeightMaps.read(EnsembleRun.member(run, i).resolve(WeightMaps.FOLDER)
            .resolve(stored.get().file()), side) : null);
      }
      rows.add(new WeightPanel.Row("member " + i, trusted, weights));
    }
    Path file = out != null ? out : run.resolve("weights-" + image + ".png");
    ImageFiles.writePng(WeightPanel.draw(picture, masks, rows, side), file);
    return file;
  }

  private static byte[] toBytes(float[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) Math.max(0, Math.min(255, Math.round(values[i])));
    }
    return out;
  }
}
