package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dlema.data.BinaryMask;
import org.dlema.data.DatasetReader;
import org.dlema.data.LoadedImage;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.data.ReadOptions;
import org.dlema.data.partition.NonContradictoryPartition;
import org.dlema.data.preprocess.Resize;
import org.dlema.testing.TestFiles;
import org.dlema.testing.TinyRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightRatiosTest {
  @TempDir Path dir;

  /**
   * The tiny ensemble's stored maps replaced by known ones, 3 on every pixel where the annotation disagrees with
   * the member's trusted one and 1 where it agrees: the ratio must come out as 3, the means as 3 and 1.
   */
  @Test
  void knownWeightsGiveTheirRatio() throws Exception {
    Path run = dir.resolve("run");
    TestFiles.copyTree(TinyRun.ensemble(), run);
    RunConfig config = RunConfig.read(run);
    int side = config.spec().inputSize();
    NonContradictoryPartition partition = NonContradictoryPartition.load(run.resolve(RunFolder.PARTITION));
    MultiAnnotatedDataset dataset = DatasetReader.read(config.data(), ReadOptions.strict());
    int members = config.ensemble().members();
    for (int i = 1; i <= members; i++) {
      Path member = EnsembleRun.member(run, i);
      WeightMaps maps = new WeightMaps(side);
      for (WeightMaps.Entry e : WeightMaps.index(member).maps()) {
        List<BinaryMask> masks = LoadedImage.load(dataset.image(e.image())).masks();
        float[] map = new float[side * side];
        Arrays.fill(map, 1f);
        for (int k = 0; k < masks.size(); k++) {
          if (partition.subsetOf(e.image(), k) == i - 1) {
            float[] trusted = Resize.mask(masks.get(k), side, side).toFloats();
            float[] annotation = Resize.mask(masks.get(e.annotation()), side, side).toFloats();
            for (int p = 0; p < map.length; p++) {
              map[p] = trusted[p] != annotation[p] ? 3f : 1f;
            }
          }
        }
        maps.put(e.image(), e.annotation(), e.mask(), e.step(), map);
      }
      maps.save(member);
    }
    List<WeightRatios> ratios = WeightRatios.of(run);
    assertThat(ratios).isNotEmpty();
    for (WeightRatios r : ratios) {
      assertThat(r.disagree()).isWithin(1e-9).of(3);
      assertThat(r.agree()).isWithin(1e-9).of(1);
      assertThat(r.ratio()).isWithin(1e-9).of(3);
      assertThat(r.disagreeingPixels()).isGreaterThan(0L);
    }
  }
}
