package org.dlema.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.BinaryMask;
import org.dlema.data.DatasetException;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.LoadedImage;
import org.dlema.data.Manifests;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.ReferenceMasks;
import org.dlema.data.preprocess.CentreCrop;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/** {@code dlema data crop}: the centre of every image and its masks, at full resolution, as a dataset. */
final class DataCropCommand extends OptionsCommand {
  DataCropCommand() {
    super("data crop");
  }

  @Override
  public String summary() {
    return "cut the centre SIZE x SIZE of every image and its masks (no resizing) into a new dataset";
  }

  @Override
  String description() {
    return "Writes OUT/images/<id>.png, OUT/masks/ (every annotation, same file names), OUT/reference/ when the "
        + "dataset keeps reference masks, and OUT/manifest.csv with the annotators' names: the central SIZE x SIZE "
        + "pixels of each, at their own resolution. For data whose objects sit at the centre of each image (LIDC's "
        + "nodule crops) this raises the objects' share of the pixels without shrinking them. OUT appears complete "
        + "or not at all.";
  }

  @Override
  String footer() {
    return "Example: dlema data crop --data lidc-split/train.csv --out lidc-64/train --size 64";
  }

  @Override
  Options options() {
    Options options = new Options();
    options.addOption(valued("data", "DIR", "the dataset (folder or manifest)"));
    options.addOption(valued("out", "DIR", "where to write the cropped dataset (must not exist)"));
    options.addOption(valued("size", "N", "side of the square kept at each image's centre, in pixels"));
    return options;
  }

  @Override
  int execute(CommandLine line, Console console) throws Exception {
    MultiAnnotatedDataset dataset = DatasetReader.read(dataOption(line), ReadOptions.strict());
    Path out = Path.of(required(line, "out"));
    required(line, "size");
    int size = intOption(line, "size", 0, 1);
    List<AnnotatedImage> images = dataset.images();
    boolean references = ReferenceMasks.complete(dataset);
    AnnotatedImage[] cropped = new AnnotatedImage[images.size()];
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      Progress progress = Progress.onStderr("cropping", images.size());
      IntStream.range(0, images.size()).parallel().forEach(i -> {
        AnnotatedImage entry = images.get(i);
        try {
          cropped[i] = crop(dataset, entry, size, references, dir.path(), out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        progress.step();
      });
      progress.done();
      JsonFiles.writeString(dir.path().resolve(DatasetReader.MANIFEST), Manifests.of(List.of(cropped), out));
      dir.commit();
    }
    console.out().println("wrote the central " + size + "x" + size + " of " + images.size() + " images to " + out);
    return 0;
  }

  private static AnnotatedImage crop(MultiAnnotatedDataset dataset, AnnotatedImage entry, int size,
      boolean references, Path staging, Path out) throws IOException {
    LoadedImage loaded = LoadedImage.load(entry);
    CentreCrop crop;
    try {
      crop = CentreCrop.of(loaded.image().width(), loaded.image().height(), size);
    } catch (IllegalArgumentException e) {
      throw new DatasetException(entry.image(), e.getMessage());
    }
    ImageFiles.writePng(crop.image(loaded.image()).toBufferedImage(),
        staging.resolve("images").resolve(entry.id() + ".png"));
    List<Annotation> annotations = new ArrayList<>();
    for (int k = 0; k < loaded.masks().size(); k++) {
      Annotation annotation = entry.annotations().get(k);
      String name = annotation.file().getFileName().toString().replaceAll("\\.[^.]+$", "") + ".png";
      ImageFiles.writePng(crop.mask(loaded.masks().get(k)).toBufferedImage(), staging.resolve("masks").resolve(name));
      annotations.add(new Annotation(out.resolve("masks").resolve(name), annotation.annotator()));
    }
    if (references) {
      BinaryMask reference = ImageFiles.readMask(ReferenceMasks.file(dataset, entry).orElseThrow()).mask();
      ImageFiles.writePng(crop.mask(reference).toBufferedImage(), staging.resolve(ReferenceMasks.FOLDER)
          .resolve(entry.id() + "_reference.png"));
    }
    return new AnnotatedImage(entry.id(), out.resolve("images").resolve(entry.id() + ".png"), annotations);
  }
}
