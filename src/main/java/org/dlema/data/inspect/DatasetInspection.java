package org.dlema.data.inspect;

import java.util.SortedMap;
import java.util.TreeMap;
import org.dlema.data.DatasetValidator;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ValidationReport;
import org.dlema.data.agreement.AgreementSummary;
import org.dlema.data.preprocess.Normalization;
import org.dlema.io.Progress;

/**
 * Everything {@code dlema data inspect} reports, gathered in one parallel pass that decodes every file: validation
 * problems and repairs, the annotation-count histogram, image sizes, per-channel statistics at the stored resolution
 * and the agreement between annotations.
 */
public record DatasetInspection(MultiAnnotatedDataset dataset, ValidationReport report,
    SortedMap<Integer, Integer> annotationHistogram, SortedMap<String, Integer> imageSizes,
    Normalization channels, AgreementSummary agreement) {

  /** @param report may already hold problems found while reading the structure */
  public static DatasetInspection of(MultiAnnotatedDataset dataset, ValidationReport report, Progress progress) {
    SortedMap<String, Integer> sizes = new TreeMap<>();
    Normalization.Accumulator channels = new Normalization.Accumulator();
    AgreementSummary agreement = new AgreementSummary();
    DatasetValidator.validate(dataset, report, (LoadedImage loaded) -> {
      String size = loaded.image().width() + "x" + loaded.image().height();
      synchronized (sizes) {
        sizes.merge(size, 1, Integer::sum);
      }
      byte[] rgb = loaded.image().data();
      float[] values = new float[rgb.length];
      for (int i = 0; i < rgb.length; i++) {
        values[i] = Byte.toUnsignedInt(rgb[i]);
      }
      channels.add(loaded.entry().id(), values);
      agreement.add(loaded.entry().id(), loaded.masks());
    }, progress);
    return new DatasetInspection(dataset, report, dataset.annotationHistogram(), sizes,
        sizes.isEmpty() ? null : channels.result(), agreement);
  }
}
