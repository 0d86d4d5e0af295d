package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightMapsTest {
  @TempDir Path dir;

  @Test
  void savedMapsLoadBackForAResumedMember() throws Exception {
    WeightMaps maps = new WeightMaps(2);
    maps.put("a", 1, "a_x.png", 7, new float[] {0f, 1.5f, 2f, 0.25f});
    maps.put("b", 0, "b_y.png", 9, new float[] {1f, 1f, 1f, 1f});
    maps.save(dir);
    WeightMaps loaded = WeightMaps.load(dir, 2);
    loaded.put("c", 0, "c_z.png", 11, new float[] {3f, 0f, 0f, 0f});
    loaded.save(dir);
    WeightMaps.Index index = WeightMaps.index(dir);
    assertThat(index.side()).isEqualTo(2);
    assertThat(index.maps().stream().map(WeightMaps.Entry::image).toList()).containsExactly("a", "b", "c");
    assertThat(index.maps().get(0).step()).isEqualTo(7);
    assertThat(WeightMaps.read(dir.resolve(WeightMaps.FOLDER).resolve(index.maps().get(0).file()), 2))
        .usingExactEquality().containsExactly(0f, 1.5f, 2f, 0.25f).inOrder();
  }
}
