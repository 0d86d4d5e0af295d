package org.dlema.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.BinaryMask;
import org.dlema.data.DatasetReader;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.preprocess.Resize;

/**
 * The paper's claim about Figures 3-4 as a number: for each member, the mean learned weight on pixels where an
 * annotation disagrees with the member's trusted annotation of the same image, divided by the mean weight where
 * they agree, over the sampled images' latest weight maps. Near 0: the contradictions are turned down; 1: the
 * weights ignore them. Images without an annotation in the member's subset have nothing to compare with and are
 * left out.
 *
 * @param member 1-based
 * @param disagree mean weight on disagreeing pixels (1 = the weight of a batch whose pixels all count the same)
 * @param agree mean weight on agreeing pixels
 * @param disagreeingPixels how many disagreeing pixels were averaged
 */
public record WeightRatios(int member, double disagree, double agree, long disagreeingPixels) {

  public double ratio() {
    return disagree / agree;
  }

  /** Every member's figures (a member without maps yet is left out). */
  public static List<WeightRatios> of(Path run) throws IOException {
    RunConfig config = WeightMaps.ensembleConfig(run);
    NonContradictoryPartition partition = NonContradictoryPartition.load(RunFolder.of(run).partition());
    MultiAnnotatedDataset dataset = DatasetReader.read(config.data(), ReadOptions.strict());
    int side = config.spec().inputSize();
    Map<String, List<float[]>> masks = new HashMap<>();
    List<WeightRatios> out = new ArrayList<>();
    for (int i = 1; i <= config.ensemble().members(); i++) {
      Path member = EnsembleRun.member(run, i);
      if (!Files.isRegularFile(member.resolve(WeightMaps.FOLDER).resolve("index.json"))) {
        continue;
      }
      double[] sums = new double[2];
      long[] counts = new long[2];
      for (WeightMaps.Entry entry : WeightMaps.index(member).maps()) {
        List<float[]> image = masks.computeIfAbsent(entry.image(), id -> resized(dataset.image(id), side));
        int trusted = -1;
        for (int k = 0; k < image.size(); k++) {
          if (partition.subsetOf(entry.image(), k) == i - 1) {
            trusted = k;
          }
        }
        if (trusted < 0) {
          continue;
        }
        float[] weights = WeightMaps.read(member.resolve(WeightMaps.FOLDER).resolve(entry.file()), side);
        float[] reference = image.get(trusted);
        float[] annotation = image.get(entry.annotation());
        for (int p = 0; p < weights.length; p++) {
          int which = annotation[p] != reference[p] ? 0 : 1;
          sums[which] += weights[p];
          counts[which]++;
        }
      }
      if (counts[0] > 0 && counts[1] > 0) {
        out.add(new WeightRatios(i, sums[0] / counts[0], sums[1] / counts[1], counts[0]));
      }
    }
    return out;
  }

  private static List<float[]> resized(AnnotatedImage image, int side) {
    List<float[]> out = new ArrayList<>();
    for (BinaryMask mask : LoadedImage.load(image).masks()) {
      out.add(Resize.mask(mask, side, side).toFloats());
    }
    return out;
  }
}
