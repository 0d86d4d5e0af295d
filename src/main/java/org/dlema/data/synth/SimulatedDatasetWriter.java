package org.dlema.data.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.dlema.data.BinaryMask;
import org.dlema.data.CsvLine;
import org.dlema.data.DatasetReader;
import org.dlema.data.ImageFiles;
import org.dlema.data.agreement.AgreementSummary;
import org.dlema.data.synth.AnnotatorSimulator.SimulatedAnnotation;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;
import org.dlema.io.Progress;

/**
 * Writes a multi-annotator dataset made by the simulator: {@code images/<id>.<ext>},
 * {@code masks/<id>_<annotator>.png}, {@code reference/<id>_reference.png} (the mask the annotators started from,
 * kept for evaluation), {@code manifest.csv} (image, mask, annotator) and {@code simulation.json} (every setting,
 * the annotator profiles and the resulting agreement). The folder appears complete or not at all.
 */
public final class SimulatedDatasetWriter {
  public static final String REFERENCE = "reference";
  public static final String DESCRIPTION = "simulation.json";

  /** Where one image and its reference mask come from: an existing file pair, or the generator. */
  public interface Source {
    String id();

    /** Writes the image into {@code imageDir}; returns the file name used and the reference mask. */
    Written write(Path imageDir) throws IOException;
  }

  /** An image written into the dataset and the mask the annotators start from. */
  public record Written(String imageName, BinaryMask reference) {}

  /** A real image (copied byte for byte) and its mask, read only when written so that memory stays small. */
  public record FileSource(String id, Path image, Path mask) implements Source {
    @Override
    public Written write(Path imageDir) throws IOException {
      String name = id + "." + ImageFiles.extension(image);
      Files.copy(image, imageDir.resolve(name));
      return new Written(name, ImageFiles.readMask(mask).mask());
    }
  }

  /** A generated lesion, written as PNG. */
  public record GeneratedSource(String id, SyntheticLesionGenerator generator, long seed) implements Source {
    @Override
    public Written write(Path imageDir) throws IOException {
      SyntheticLesionGenerator.Sample sample = generator.generate(seed);
      String name = id + ".png";
      ImageFiles.writePng(sample.image().toBufferedImage(), imageDir.resolve(name));
      return new Written(name, sample.reference());
    }
  }

  /** What was written. */
  public record Summary(Path folder, int images, int annotations, SortedMap<Integer, Integer> histogram,
      double meanKappa, double meanJaccard) {}

  private record Described(Object origin, SimulatorSettings settings, String counts,
      List<AnnotatorProfile> annotators, SortedMap<Integer, Integer> histogram, double meanPairwiseKappa,
      double meanPairwiseJaccard) {}

  private SimulatedDatasetWriter() {}

  /**
   * @param sources one per image, any order; ids must be unique
   * @param origin recorded in {@code simulation.json} (source folder or generator settings)
   */
  public static Summary write(Path out, List<? extends Source> sources, AnnotatorSimulator simulator, Object origin,
      Progress progress) throws IOException {
    List<Source> sorted = new ArrayList<>(sources);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    int[] counts = simulator.annotationCounts(sorted.size());
    String[] rows = new String[sorted.size()];
    AgreementSummary agreement = new AgreementSummary();
    try (AtomicDirectory dir = AtomicDirectory.create(out)) {
      Path images = Files.createDirectories(dir.path().resolve(DatasetReader.IMAGES));
      Path masks = Files.createDirectories(dir.path().resolve(DatasetReader.MASKS));
      Path references = Files.createDirectories(dir.path().resolve(REFERENCE));
      IntStream.range(0, sorted.size()).parallel().forEach(i -> {
        Source source = sorted.get(i);
        try {
          Written written = source.write(images);
          String imageName = written.imageName();
          BinaryMask reference = written.reference();
          ImageFiles.writePng(reference.toBufferedImage(), references.resolve(source.id() + "_reference.png"));
          List<SimulatedAnnotation> annotations = simulator.annotate(source.id(), reference, counts[i]);
          StringBuilder lines = new StringBuilder();
          for (SimulatedAnnotation a : annotations) {
            String maskName = source.id() + "_" + a.annotator().name() + ".png";
            ImageFiles.writePng(a.mask().toBufferedImage(), masks.resolve(maskName));
            lines.append(CsvLine.join(DatasetReader.IMAGES + "/" + imageName, DatasetReader.MASKS + "/" + maskName,
                a.annotator().name())).append('\n');
          }
          rows[i] = lines.toString();
          agreement.add(source.id(), annotations.stream().map(SimulatedAnnotation::mask).toList());
        } catch (IOException e) {
          throw new UncheckedIOException("writing image " + source.id() + ": " + e.getMessage(), e);
        }
        progress.step();
      });
      progress.done();
      StringBuilder manifest = new StringBuilder("image,mask,annotator\n");
      for (String row : rows) {
        manifest.append(row);
      }
      Files.writeString(dir.path().resolve(DatasetReader.MANIFEST), manifest, StandardCharsets.UTF_8);
      SortedMap<Integer, Integer> histogram = new TreeMap<>();
      for (int c : counts) {
        histogram.merge(c, 1, Integer::sum);
      }
      JsonFiles.write(dir.path().resolve(DESCRIPTION), new Described(origin, simulator.settings(),
          simulator.settings().counts().toString(), simulator.annotators(), histogram, agreement.meanKappa(),
          agreement.meanJaccard()));
      dir.commit();
      return new Summary(dir.target(), sorted.size(), IntStream.of(counts).sum(), histogram, agreement.meanKappa(),
          agreement.meanJaccard());
    }
  }

  /** Origin record for {@code simulation.json} when simulating on top of a real dataset. */
  public record RealOrigin(String kind, Path source, int images) {
    public RealOrigin(Path source, int images) {
      this("real", source, images);
    }
  }

  /** Origin record for {@code simulation.json} when the images were generated. */
  public record SyntheticOrigin(String kind, SyntheticLesionSettings generator, long seed, int images) {
    public SyntheticOrigin(SyntheticLesionSettings generator, long seed, int images) {
      this("synthetic", generator, seed, images);
    }
  }
}
