package org.dlema.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.dlema.data.agreement.AgreementSummary;
import org.dlema.data.inspect.DatasetInspection;
import org.dlema.data.synth.AnnotatorSimulator;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.io.Progress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checks on the real ISIC 2018 images and masks that sit beside the checkout (the project does not ship them).
 * Override the location with -Ddlema.isic=DIR.
 */
@Tag("slow")
class IsicDataTest {
  static final Path ISIC = Path.of(System.getProperty("dlema.isic", "../shared/data/isic2018-256"));

  @BeforeAll
  static void needsTheData() {
    assumeTrue(Files.isDirectory(ISIC.resolve("images")), "ISIC data not found at " + ISIC.toAbsolutePath());
  }

  @Test
  void inspectionFindsTwoThousandCleanPairs() {
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = DatasetReader.read(ISIC, ReadOptions.strict(), report);
    DatasetInspection inspection = DatasetInspection.of(dataset, report, Progress.silent());
    assertThat(dataset.size()).isEqualTo(2000);
    assertThat(dataset.annotationCount()).isEqualTo(2000);
    assertThat(report.errors()).isEmpty();
    assertThat(inspection.imageSizes()).containsExactly("256x256", 2000);
  }

  /** The simulator's defaults are calibrated to the paper's figure: mean pairwise Cohen's kappa 0.67 on ISIC. */
  @Test
  void defaultSimulatorGivesTheIsicKappa() {
    MultiAnnotatedDataset dataset = DatasetReader.read(ISIC, ReadOptions.strict());
    AnnotatorSimulator simulator = new AnnotatorSimulator(SimulatorSettings.defaults(1));
    int[] counts = simulator.annotationCounts(dataset.size());
    AgreementSummary agreement = new AgreementSummary();
    List<AnnotatedImage> images = dataset.images();
    IntStream.range(0, images.size()).parallel().forEach(i -> {
      AnnotatedImage image = images.get(i);
      BinaryMask reference = ImageFiles.readMask(image.annotations().get(0).file()).mask();
      agreement.add(image.id(), simulator.annotate(image.id(), reference, counts[i]).stream()
          .map(AnnotatorSimulator.SimulatedAnnotation::mask).toList());
    });
    assertThat(agreement.imagesWithPairs()).isEqualTo(2000);
    assertThat(agreement.meanKappa()).isWithin(0.03).of(0.67);
  }
}
