package org.dlema.cli;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.dlema.train.Method;
import org.dlema.train.TrainingSettings;
import org.junit.jupiter.api.Test;

/** An option declared once: its help, its default and the methods it applies to come from one declaration. */
class DeclaredTest {
  private static CommandLine parse(List<Declared<?>> declared, String... args) throws Exception {
    return DefaultParser.builder().get().parse(Declared.options(declared), args);
  }

  @Test
  void theHelpNamesTheMethodsAndTheDefaultOfTheDeclaration() {
    Declared<Double> share = Declared.valued("share", "X", "a share", 0.25).only(Method.MC_DROPOUT, Method.DLEMA);
    // The methods in their declared order, whatever order they were given in.
    assertThat(share.option().getDescription()).isEqualTo("dlema and mc-dropout: a share (default 0.25)");
    assertThat(Declared.valued("rule", "R", "a rule", Method.LESS_IS_MORE).option().getDescription())
        .isEqualTo("a rule (default less-is-more)");
    assertThat(Declared.valued("n", "N", "a count (default: the budget's)", null).option().getDescription())
        .isEqualTo("a count (default: the budget's)");
    assertThat(Declared.flag("now", "at once").option().hasArg()).isFalse();
  }

  @Test
  void aValueIsReadWithTheDeclaredDefaultAndRange() throws Exception {
    Declared<Double> share = Declared.valued("share", "X", "a share", 0.25);
    Declared<Integer> count = Declared.valued("count", "N", "a count", 3);
    List<Declared<?>> both = List.of(share, count);
    assertThat(share.decimal(parse(both), 0, 1)).isEqualTo(0.25);
    assertThat(count.integer(parse(both), 1)).isEqualTo(3);
    assertThat(share.decimal(parse(both, "--share", "0.5"), 0, 1)).isEqualTo(0.5);
    UsageException e = assertThrows(UsageException.class, () -> count.integer(parse(both, "--count", "0"), 1));
    assertThat(e).hasMessageThat().isEqualTo("--count must be at least 1, got 0");
  }

  @Test
  void anOptionOfOtherMethodsIsRefusedNamingThem() throws Exception {
    Declared<Integer> members = Declared.valued("members", "M", "size", (Integer) null)
        .only(Method.DLEMA, Method.MC_DROPOUT);
    List<Declared<?>> all = List.of(members);
    CommandLine given = parse(all, "--members", "3");
    Declared.refuseOthers(all, given, Method.DLEMA);
    Declared.refuseOthers(all, given, Method.MC_DROPOUT);
    Declared.refuseOthers(all, parse(all), Method.BASELINE);
    UsageException e = assertThrows(UsageException.class, () -> Declared.refuseOthers(all, given, Method.STAPLE));
    assertThat(e).hasMessageThat().isEqualTo("--members applies to --method dlema or mc-dropout only");
  }

  /** No train option writes its default into its help by hand: that would be the default declared twice. */
  @Test
  void everyTrainDefaultIsShownFromItsDeclarationOnly() {
    for (Declared<?> option : TrainOptions.ALL) {
      if (option.fallback() != null) {
        assertThat(option.help()).doesNotContain("(default");
        assertThat(option.option().getDescription()).endsWith(")");
      } else if (option.help().contains("(default")) {
        // Without a declared default, the help may only say what decides it (the budget, the data, the machine).
        assertThat(option.help()).containsMatch("\\(default(:| 0: none)");
      }
    }
    assertThat(TrainOptions.SEED.fallback()).isEqualTo(TrainingSettings.DEFAULT_SEED);
    assertThat(TrainOptions.ALL.stream().map(Declared::name).distinct().count())
        .isEqualTo((long) TrainOptions.ALL.size());
  }
}
