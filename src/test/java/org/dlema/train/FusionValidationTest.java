package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.util.Map;
import org.dlema.graph.FusionRule;
import org.junit.jupiter.api.Test;

class FusionValidationTest {
  @Test
  void theBestRuleScoresHighestAndTiesGoToTheFirst() {
    FusionValidation.Scores scores = new FusionValidation.Scores(Map.of(FusionRule.UNIFORM, 0.50,
        FusionRule.PIXEL_CONFIDENCE, 0.52, FusionRule.IMAGE_CONFIDENCE, 0.51), Map.of(), 40);
    assertThat(scores.best()).isEqualTo(FusionRule.PIXEL_CONFIDENCE);
    FusionValidation.Scores tie = new FusionValidation.Scores(Map.of(FusionRule.UNIFORM, 0.5,
        FusionRule.PIXEL_CONFIDENCE, 0.5, FusionRule.IMAGE_CONFIDENCE, 0.5), Map.of(), 40);
    assertThat(tie.best()).isEqualTo(FusionRule.UNIFORM);
  }

  @Test
  void theScoresReadInOneLineWithTheReferenceWhereItWasScored() {
    FusionValidation.Scores scores = new FusionValidation.Scores(Map.of(FusionRule.UNIFORM, 0.5,
        FusionRule.PIXEL_CONFIDENCE, 0.25, FusionRule.IMAGE_CONFIDENCE, 0.125), Map.of(FusionRule.UNIFORM, 0.75,
        FusionRule.PIXEL_CONFIDENCE, Double.NaN, FusionRule.IMAGE_CONFIDENCE, 0.5), 40);
    assertThat(scores.describe()).isEqualTo("uniform 50.00% (75.00% against the reference masks), pixel_confidence "
        + "25.00%, image_confidence 12.50% (50.00% against the reference masks)");
  }
}
