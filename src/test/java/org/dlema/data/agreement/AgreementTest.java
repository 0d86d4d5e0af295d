package org.dlema.data.agreement;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.dlema.data.BinaryMask;
import org.junit.jupiter.api.Test;

class AgreementTest {
  private static BinaryMask mask(String rows) {
    String[] lines = rows.strip().split("\n");
    BinaryMask mask = new BinaryMask(lines[0].strip().length(), lines.length);
    for (int y = 0; y < lines.length; y++) {
      for (int x = 0; x < lines[y].strip().length(); x++) {
        mask.set(x, y, lines[y].strip().charAt(x) == '#');
      }
    }
    return mask;
  }

  @Test
  void kappaMatchesAHandComputedValue() {
    // 2x5 = 10 pixels: both 3, only A 1, only B 2, neither 4.
    BinaryMask a = mask("""
        ###..
        #....
        """);
    BinaryMask b = mask("""
        ###.#
        ....#
        """);
    // p_o = 7/10; p_A = 4/10, p_B = 5/10; p_e = .4*.5 + .6*.5 = .5; kappa = (.7 - .5) / .5 = .4
    assertThat(Agreement.cohenKappa(a, b)).isWithin(1e-12).of(0.4);
    // Jaccard = 3 / 6
    assertThat(Agreement.jaccard(a, b)).isWithin(1e-12).of(0.5);
    assertThat(Agreement.cohenKappa(b, a)).isWithin(1e-12).of(0.4);
  }

  @Test
  void limitsOfKappa() {
    BinaryMask a = mask("""
        ##..
        ##..
        """);
    BinaryMask complement = mask("""
        ..##
        ..##
        """);
    assertThat(Agreement.cohenKappa(a, a)).isEqualTo(1.0);
    assertThat(Agreement.cohenKappa(a, complement)).isWithin(1e-12).of(-1.0);
    BinaryMask empty = new BinaryMask(4, 2);
    assertThat(Agreement.cohenKappa(empty, empty)).isEqualTo(1.0);
    assertThat(Agreement.jaccard(empty, empty)).isEqualTo(1.0);
    // Chance agreement is 1 when one mask is constant: kappa is 0 unless they agree everywhere.
    assertThat(Agreement.cohenKappa(empty, a)).isEqualTo(0.0);
  }

  @Test
  void meanPairwiseAveragesUnorderedPairs() {
    BinaryMask a = mask("##..");
    BinaryMask b = mask("#...");
    BinaryMask c = mask("###.");
    double expected = (Agreement.cohenKappa(a, b) + Agreement.cohenKappa(a, c) + Agreement.cohenKappa(b, c)) / 3;
    assertThat(Agreement.meanPairwiseKappa(List.of(a, b, c))).isWithin(1e-12).of(expected);
    assertThat(Agreement.meanPairwiseKappa(List.of(a))).isNaN();

    AgreementSummary summary = new AgreementSummary();
    summary.add("one", List.of(a, b, c));
    summary.add("two", List.of(a, a));
    summary.add("single", List.of(a));
    assertThat(summary.imagesWithPairs()).isEqualTo(2);
    assertThat(summary.meanKappa()).isWithin(1e-12).of((expected + 1.0) / 2);
  }
}
