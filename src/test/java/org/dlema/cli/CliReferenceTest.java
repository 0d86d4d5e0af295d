package org.dlema.cli;

import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/cli.md stays the complete reference: every option a verb's {@code --help} lists is documented in that verb's
 * section, and every option row of the section's table is one the verb takes. The cluster verbs' options are
 * documented in docs/cluster.md and the annotator simulator's in its own section of cli.md.
 */
class CliReferenceTest {
  private static final Pattern HELP_OPTION = Pattern.compile("^\\s+(?:-\\w, )?--([a-z0-9-]+)", Pattern.MULTILINE);
  private static final Pattern DOC_OPTION = Pattern.compile("--([a-z][a-z0-9-]+)");
  private static final Pattern TABLE_OPTION = Pattern.compile("^\\| `--([a-z0-9-]+)", Pattern.MULTILINE);

  private static Set<String> all(Pattern pattern, String text) {
    Set<String> found = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** The cli.md sections whose heading names {@code dlema <verb>}, and the pages they defer to. */
  private static String reference(String cli, String verb) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String section : cli.split("\n## ")) {
      String heading = section.lines().findFirst().orElse("");
      if ((heading + ",").contains("dlema " + verb + ",") || heading.equals("dlema " + verb)) {
        text.append(section);
      }
      if (heading.equals("Annotator simulator options") && (verb.equals("data synth")
          || verb.equals("data simulate"))) {
        text.append(section);
      }
    }
    if (verb.startsWith("cluster ")) {
      text.append(Files.readString(Path.of("docs/cluster.md")));
    }
    return text.toString();
  }

  @Test
  void everyOptionOfEveryVerbIsInTheReferenceAndNoOtherIs() throws Exception {
    String cli = Files.readString(Path.of("docs/cli.md"));
    for (String verb : Main.commands().verbs()) {
      String section = reference(cli, verb);
      assertWithMessage("docs/cli.md has no section for dlema %s", verb).that(section).isNotEmpty();
      CliRunner.Outcome help = CliRunner.run((verb + " --help").split(" "));
      Set<String> options = all(HELP_OPTION, help.out());
      options.remove("help");
      assertWithMessage("options of dlema %s missing from docs/cli.md", verb)
          .that(all(DOC_OPTION, section)).containsAtLeastElementsIn(options);
      assertWithMessage("options documented for dlema %s that --help does not list", verb)
          .that(options).containsAtLeastElementsIn(all(TABLE_OPTION, section));
    }
  }
}
