package org.dlema.data.augment;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import org.junit.jupiter.api.Test;

class AugmentationSettingsTest {
  @Test
  void namedSettings() {
    assertThat(AugmentationSettings.parse("none")).isEqualTo(AugmentationSettings.none());
    assertThat(AugmentationSettings.parse("standard")).isEqualTo(AugmentationSettings.standard());
    assertThat(AugmentationSettings.none().enabled()).isFalse();
    assertThat(AugmentationSettings.standard().enabled()).isTrue();
    assertThat(new AugmentationSettings(false, true, 0, 0, 0, 0, 0).enabled()).isTrue();
    // A preset is described by the name --augment takes; anything else by its fields.
    assertThat(new AugmentationSettings(true, true, 0, 0, 0, 0, 0).describe()).isEqualTo("dihedral");
    assertThat(new AugmentationSettings(false, true, 0, 0, 0, 0, 0).describe()).contains("flips=false, rotate90=true");
  }

  @Test
  void unknownNamesListTheValidOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AugmentationSettings.parse("heavy"));
    assertThat(e).hasMessageThat().contains("none, dihedral, geometric, standard");
  }

  @Test
  void outOfRangeValuesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new AugmentationSettings(false, false, 1, 0, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AugmentationSettings(false, false, 0, -0.1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AugmentationSettings(false, false, 0, 0, Double.NaN, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AugmentationSettings(false, false, 0, 0, 0, 2, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AugmentationSettings(false, false, 0, 0, 0, 0, 0.7));
    assertThat(e).hasMessageThat().contains("hue");
  }

  @Test
  void survivesAJsonRoundTrip() {
    Gson gson = new Gson();
    AugmentationSettings standard = AugmentationSettings.standard();
    assertThat(gson.fromJson(gson.toJson(standard), AugmentationSettings.class)).isEqualTo(standard);
  }
}
