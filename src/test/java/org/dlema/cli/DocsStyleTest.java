package org.dlema.cli;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The limits the docs set themselves: sentences a reader can follow (a mean of at most {@value #MEAN} words and none
 * over {@value #LONGEST}), the README's answers on its first screen, and results.md's summary first. Prose only:
 * code blocks, tables and headings are not sentences. A page over {@value #CONTENTS_OVER} lines opens with a contents
 * line within its first {@value #CONTENTS_WITHIN}.
 */
class DocsStyleTest {
  static final double MEAN = 25;
  static final int LONGEST = 60;
  static final int FIRST_SCREEN = 40;
  static final int SUMMARY_WITHIN = 50;
  static final int CONTENTS_OVER = 150;
  static final int CONTENTS_WITHIN = 40;

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z(`*])");

  /** Word counts of the page's prose sentences. */
  static List<Integer> sentences(String text) {
    List<String> paragraphs = new ArrayList<>();
    StringBuilder paragraph = new StringBuilder();
    boolean code = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("```")) {
        code = !code;
      }
      boolean prose = !code && !line.startsWith("```") && !line.startsWith("|") && !line.startsWith("#")
          && !line.isBlank();
      // A list item starts a sentence of its own.
      if (!prose || line.stripLeading().startsWith("- ")) {
        if (paragraph.length() > 0) {
          paragraphs.add(paragraph.toString());
          paragraph.setLength(0);
        }
      }
      if (prose) {
        paragraph.append(' ').append(line.strip().replaceFirst("^- ", ""));
      }
    }
    if (paragraph.length() > 0) {
      paragraphs.add(paragraph.toString());
    }
    List<Integer> words = new ArrayList<>();
    for (String p : paragraphs) {
      // An inline code span or a link's target is one word to a reader.
      String plain = p.replaceAll("`[^`]*`", "X").replaceAll("\\]\\([^)]*\\)", "]");
      for (String sentence : SENTENCE_END.split(plain)) {
        int n = sentence.isBlank() ? 0 : sentence.strip().split("\\s+").length;
        if (n > 0) {
          words.add(n);
        }
      }
    }
    return words;
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("graphs/README.md"),
        Path.of("export/README.md"), Path.of("benchmarks/README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  @Test
  void everyPageKeepsItsSentencesWithinTheLimits() throws IOException {
    for (Path page : pages()) {
      String text = Files.readString(page);
      List<Integer> words = sentences(text);
      double mean = words.stream().mapToInt(Integer::intValue).average().orElse(0);
      int longest = words.stream().mapToInt(Integer::intValue).max().orElse(0);
      long lines = text.lines().count();
      String figures = String.format("%s: %d lines, mean sentence %.1f words, longest %d", page, lines, mean,
          longest);
      assertWithMessage(figures).that(mean).isAtMost(MEAN);
      assertWithMessage(figures).that(longest).isAtMost(LONGEST);
      if (lines > CONTENTS_OVER) {
        assertWithMessage("%s has %s lines and no contents line in its first %s", page, lines, CONTENTS_WITHIN)
            .that(text.lines().limit(CONTENTS_WITHIN).anyMatch(l -> l.startsWith("Contents"))).isTrue();
      }
    }
  }

  @Test
  void theReadmesFirstScreenHasTheTwoCommandsAndTheWaysIn() throws IOException {
    String screen = String.join("\n", Files.readAllLines(Path.of("README.md")).subList(0, FIRST_SCREEN));
    for (String needed : List.of("./dlema quickstart", "mvn -B test", "docs/own-data.md", "docs/results.md",
        "docs/serving.md", "docs/cli.md", "JDK 17")) {
      assertWithMessage("README.md's first %s lines name %s", FIRST_SCREEN, needed).that(screen).contains(needed);
    }
  }

  @Test
  void resultsOpenWithTheirSummary() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("docs/results.md"));
    assertWithMessage("docs/results.md has its summary within its first %s lines", SUMMARY_WITHIN)
        .that(lines.subList(0, SUMMARY_WITHIN)).contains("## Summary");
  }

  @Test
  void theMeasureCountsProseSentencesOnly() {
    String page = "# A title of several words\n\nOne two three. Four five six seven.\n\n```\nnot. a. sentence.\n```\n"
        + "| a | table |\n- A list item here.\n- Another `code span with words` item.\n";
    org.junit.jupiter.api.Assertions.assertEquals(List.of(3, 4, 4, 3), sentences(page));
  }
}
