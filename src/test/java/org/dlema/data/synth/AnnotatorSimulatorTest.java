package org.dlema.data.synth;

import static com.google.common.truth.Truth.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.dlema.data.BinaryMask;
import org.dlema.data.agreement.Agreement;
import org.dlema.data.agreement.AgreementSummary;
import org.dlema.data.synth.AnnotatorSimulator.SimulatedAnnotation;
import org.junit.jupiter.api.Test;

class AnnotatorSimulatorTest {
  private static final SyntheticLesionGenerator LESIONS = new SyntheticLesionGenerator(96);

  private static BinaryMask lesion(int k) {
    return LESIONS.generate(1000 + k).reference();
  }

  private static SimulatorSettings settings(double disagreement, double gross) {
    return new SimulatorSettings(6, disagreement, gross, AnnotationCounts.ISIC, 5);
  }

  @Test
  void sameSeedSameAnnotationsInAnyOrder() {
    AnnotatorSimulator a = new AnnotatorSimulator(settings(1, 0.05));
    AnnotatorSimulator b = new AnnotatorSimulator(settings(1, 0.05));
    List<SimulatedAnnotation> first = a.annotate("img7", lesion(7), 3);
    b.annotate("img3", lesion(3), 4); // another image first must not change img7's annotations
    List<SimulatedAnnotation> second = b.annotate("img7", lesion(7), 3);
    for (int k = 0; k < 3; k++) {
      assertThat(second.get(k).annotator()).isEqualTo(first.get(k).annotator());
      assertThat(second.get(k).mask()).isEqualTo(first.get(k).mask());
    }
    List<SimulatedAnnotation> otherSeed = new AnnotatorSimulator(
        new SimulatorSettings(6, 1, 0.05, AnnotationCounts.ISIC, 6)).annotate("img7", lesion(7), 3);
    assertThat(otherSeed.get(0).mask()).isNotEqualTo(first.get(0).mask());
  }

  @Test
  void annotationsOfOneImageComeFromDistinctAnnotators() {
    AnnotatorSimulator simulator = new AnnotatorSimulator(settings(1, 0.05));
    for (int k = 0; k < 20; k++) {
      Set<String> names = new HashSet<>();
      simulator.annotate("img" + k, lesion(k), 5).forEach(a -> names.add(a.annotator().name()));
      assertThat(names).hasSize(5);
    }
  }

  @Test
  void biasedAnnotatorDrawsEveryBorderOutwardsByTheShift() {
    AnnotatorSimulator plain = new AnnotatorSimulator(settings(1, 0));
    AnnotatorSimulator biased = new AnnotatorSimulator(new SimulatorSettings(6, 1, 0, AnnotationCounts.ISIC, 5, 0.3));
    assertThat(biased.annotators().subList(1, 6)).isEqualTo(plain.annotators().subList(1, 6));
    assertThat(biased.annotators().get(0).bias()).isWithin(1e-12).of(plain.annotators().get(0).bias() + 0.3);
    double growth = 0;
    int n = 20;
    for (int k = 0; k < n; k++) {
      BinaryMask reference = lesion(k);
      BinaryMask before = plain.draw(plain.annotators().get(0), reference, new SplittableRandom(k));
      BinaryMask after = biased.draw(biased.annotators().get(0), reference, new SplittableRandom(k));
      assertThat(after.foregroundCount()).isAtLeast(before.foregroundCount());
      growth += (double) after.foregroundCount() / before.foregroundCount() / n;
    }
    // A disc of radius (1 + b) r drawn at (1 + b + 0.3) r grows by that ratio squared; lesions are roughly discs.
    double b = plain.annotators().get(0).bias();
    assertThat(growth).isWithin(0.15).of(Math.pow((1 + b + 0.3) / (1 + b), 2));
  }

  @Test
  void poolCoversTheThreeStyles() {
    List<AnnotatorProfile> pool = new AnnotatorSimulator(settings(1, 0.05)).annotators();
    assertThat(pool.stream().map(AnnotatorProfile::style).distinct().toList())
        .containsExactlyElementsIn(AnnotationStyle.values());
    assertThat(pool.stream().filter(p -> p.style() == AnnotationStyle.MANUAL_POLYGON)
        .allMatch(p -> p.vertices() >= 6 && p.bias() > 0)).isTrue();
  }

  @Test
  void stylesBehaveAsDescribed() {
    AnnotatorSimulator simulator = new AnnotatorSimulator(settings(1, 0));
    double polygonGrowth = 0;
    double automaticGrowth = 0;
    double automaticKappa = 0;
    int n = 30;
    for (int k = 0; k < n; k++) {
      BinaryMask reference = lesion(k);
      for (AnnotatorProfile profile : simulator.annotators()) {
        BinaryMask drawn = simulator.draw(profile, reference, new SplittableRandom(k));
        double growth = (double) drawn.foregroundCount() / reference.foregroundCount();
        if (profile.style() == AnnotationStyle.MANUAL_POLYGON) {
          polygonGrowth += growth / (2.0 * n);
        } else if (profile.style() == AnnotationStyle.AUTOMATIC) {
          automaticGrowth += growth / (2.0 * n);
          automaticKappa += Agreement.cohenKappa(drawn, reference) / (2.0 * n);
        }
      }
    }
    // Polygons are generous; the reviewed automatic outline is tight and close to the reference.
    assertThat(polygonGrowth).isGreaterThan(1.1);
    assertThat(automaticGrowth).isLessThan(1.0);
    assertThat(automaticKappa).isGreaterThan(0.8);
  }

  @Test
  void lessDisagreementMeansHigherKappa() {
    double previous = -1;
    for (double disagreement : new double[] {2, 1, 0.3}) {
      AnnotatorSimulator simulator = new AnnotatorSimulator(settings(disagreement, 0));
      AgreementSummary summary = new AgreementSummary();
      for (int k = 0; k < 40; k++) {
        summary.add("img" + k, simulator.annotate("img" + k, lesion(k), 3).stream()
            .map(SimulatedAnnotation::mask).toList());
      }
      assertThat(summary.meanKappa()).isGreaterThan(previous);
      previous = summary.meanKappa();
    }
    assertThat(previous).isGreaterThan(0.85);
  }

  @Test
  void grossErrorsLowerAgreement() {
    double[] kappa = new double[2];
    double[] probabilities = {0, 1};
    for (int i = 0; i < 2; i++) {
      AnnotatorSimulator simulator = new AnnotatorSimulator(settings(0.5, probabilities[i]));
      AgreementSummary summary = new AgreementSummary();
      for (int k = 0; k < 30; k++) {
        summary.add("img" + k, simulator.annotate("img" + k, lesion(k), 2).stream()
            .map(SimulatedAnnotation::mask).toList());
      }
      kappa[i] = summary.meanKappa();
    }
    assertThat(kappa[1]).isLessThan(kappa[0] - 0.05);
  }
}
