package org.dlema.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The paper's Figure 3/4 panel for one training image of an ensemble run: a row per member with the image, the
 * member's trusted annotation, and for every annotation its mask, the inconsistency map and the latest weight map
 * the member learned for it (only the sampled images have maps).
 */
public final class WeightFigure {
  private WeightFigure() {}

  /** An image id that no member has weight maps for. */
  public static final class NoMapsException extends IOException {
    NoMapsException(String message) {
      super(message);
    }
  }

  /**
   * Draws the panel of {@code id} (or of the sampled image with the most annotations when null) into {@code out}
   * (or {@code RUN/weights-<id>.png} when null); returns the file written.
   */
  public static Path draw(Path run, String id, Path out) throws IOException {
    RunConfig config = WeightMaps.ensembleConfig(run);
    NonContradictoryPartition partition = NonContradictoryPartition.load(RunFolder.of(run).partition());
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
          .orElseThrow(() -> new NoMapsException(run + ": no member has weight maps yet (train it first)"));
    }
    final String image = id;
    if (indexes.stream().flatMap(List::stream).noneMatch(e -> e.image().equals(image))) {
      throw new NoMapsException("no weight maps for image '" + image + "'; sampled images: " + String.join(", ",
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
    Files.createDirectories(file.toAbsolutePath().getParent());
    List<String> names = new ArrayList<>();
    for (int k = 0; k < entry.annotationCount(); k++) {
      names.add(entry.annotations().get(k).annotator().orElse("annotation " + (k + 1)));
    }
    ImageFiles.writePng(WeightPanel.draw(picture, masks, names, rows, side), file);
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
