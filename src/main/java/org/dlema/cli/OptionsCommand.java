package org.dlema.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.dlema.experiment.Budget;
import org.dlema.graph.OneDnn;
import org.dlema.train.TrainingRun;

/** A verb with commons-cli options, {@code --help}, and typed option parsing that fails with a usage error. */
abstract class OptionsCommand implements Command {
  private final String path;

  /** @param path the full verb as typed, e.g. {@code "data simulate"} */
  OptionsCommand(String path) {
    this.path = path;
  }

  @Override
  public String name() {
    return path.substring(path.lastIndexOf(' ') + 1);
  }

  /** What the verb does, shown above the options in {@code --help}. */
  abstract String description();

  abstract Options options();

  abstract int execute(CommandLine line, Console console) throws Exception;

  /** How many arguments may follow the options (they are read from {@code line.getArgList()}). */
  int positionalArguments() {
    return 0;
  }

  /** What the usage line shows after the options. */
  String usageTail() {
    return positionalArguments() > 0 ? " [DIR]" : "";
  }

  /** Text shown below the options (examples, file formats). */
  String footer() {
    return "";
  }

  @Override
  public final int run(List<String> args, Console console) throws Exception {
    Options options = options();
    options.addOption(Option.builder("h").longOpt("help").desc("show this help and exit").get());
    CommandLine line;
    try {
      line = DefaultParser.builder().get().parse(options, args.toArray(String[]::new));
    } catch (ParseException e) {
      throw new UsageException(e.getMessage());
    }
    if (line.hasOption("help")) {
      printHelp(options, console);
      return 0;
    }
    if (line.getArgList().size() > positionalArguments()) {
      throw new UsageException("unexpected argument '" + line.getArgList().get(positionalArguments()) + "'");
    }
    refuseRepeats(line);
    // --out names a folder (argument DIR) or a file (FILE, written whole by the verb): only a folder is managed.
    Option outOption = options.getOption("out");
    Path out = outOption != null && outOption.getArgName().equals("DIR") ? outputFolder(line) : null;
    if (out == null) {
      return execute(line, console);
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is an existing file; it must name a folder");
    }
    OutputFolder folder = OutputFolder.before(out);
    boolean done = false;
    try {
      int code = execute(line, console);
      done = code == 0;
      return code;
    } finally {
      if (!done) {
        folder.removeIfNew(f -> keepsAfterFailure(line, f));
      }
    }
  }

  /**
   * The folder this verb writes into ({@code --out DIR}, or {@link #defaultOut}). A folder that the verb created is
   * removed again when the verb fails, unless the verb trains runs and the folder holds a checkpoint that
   * {@code --resume} (or the same command again) continues, or is shared by members trained in separate processes
   * ({@code --member}).
   */
  Path outputFolder(CommandLine line) {
    String value = line.getOptionValue("out", defaultOut(line));
    return value == null ? null : Path.of(value);
  }

  /** The output folder when {@code --out} is not given, or null. */
  String defaultOut(CommandLine line) {
    return null;
  }

  /** Whether the verb trains runs, whose checkpoints are kept after a failure. */
  boolean trainsRuns() {
    return false;
  }

  /**
   * A run with a checkpoint is kept for --resume; an ensemble run folder shared by member processes (--member, or
   * claimed by any of them) is never removed: another process may be training in it.
   */
  private boolean keepsAfterFailure(CommandLine line, Path folder) {
    return trainsRuns() && (line.hasOption("member") || TrainingRun.holdsWork(folder));
  }

  /** Options whose repetitions are meant (given more than once, each adds a value). */
  Set<String> repeatable() {
    return Set.of();
  }

  private void refuseRepeats(CommandLine line) throws UsageException {
    Map<String, List<String>> given = new LinkedHashMap<>();
    for (Option option : line.getOptions()) {
      given.computeIfAbsent(option.getLongOpt(), k -> new ArrayList<>()).add(option.getValue());
    }
    for (var entry : given.entrySet()) {
      if (entry.getValue().size() > 1 && !repeatable().contains(entry.getKey())) {
        List<String> values = entry.getValue().stream().filter(Objects::nonNull).toList();
        throw new UsageException("--" + entry.getKey() + " is given " + entry.getValue().size() + " times"
            + (values.isEmpty() ? "" : " (" + String.join(", ", values) + ")") + "; give it once");
      }
    }
  }

  private void printHelp(Options options, Console console) {
    var out = console.out();
    out.println("usage: dlema " + path + " [options]" + usageTail());
    out.println();
    HelpText.paragraph(description(), "", out);
    out.println();
    out.println("options:");
    for (Option option : options.getOptions()) {
      String names = (option.getOpt() != null ? "-" + option.getOpt() + ", " : "    ") + "--" + option.getLongOpt()
          + (option.hasArg() ? " " + option.getArgName() : "");
      HelpText.item(names, option.getDescription(), out);
    }
    if (!footer().isEmpty()) {
      out.println();
      HelpText.paragraph(footer(), "", out);
    }
    out.flush();
  }

  /**
   * A comma-separated list of names, each one of {@code allowed} by {@code id}, in the order given and each once;
   * {@code unknown} says what is wrong with a name that is none of them.
   */
  static <T> List<T> listOption(String option, String text, List<T> allowed, Function<T, String> id,
      UnaryOperator<String> unknown) throws UsageException {
    List<T> chosen = new ArrayList<>();
    for (String name : text.split(",")) {
      T value = allowed.stream().filter(a -> id.apply(a).equals(name.strip())).findFirst()
          .orElseThrow(() -> new UsageException("--" + option + ": " + unknown.apply(name.strip())));
      if (!chosen.contains(value)) {
        chosen.add(value);
      }
    }
    return List.copyOf(chosen);
  }

  /** Before a training run: a note wherever oneDNN's kernels run (the same seed may not give the same weights). */
  static void kernelNote(Console console) {
    String hint = OneDnn.current().hint();
    if (hint != null) {
      console.err().println("dlema: note: " + hint);
    }
  }

  static String required(CommandLine line, String option) throws UsageException {
    String value = line.getOptionValue(option);
    if (value == null) {
      throw new UsageException("missing required option --" + option);
    }
    return value;
  }

  /** The dataset named by {@code --data} or, for verbs that allow it, by the one positional argument. */
  static Path dataOption(CommandLine line) throws UsageException {
    String value = line.getOptionValue("data");
    if (value == null && !line.getArgList().isEmpty()) {
      value = line.getArgList().get(0);
    } else if (value != null && !line.getArgList().isEmpty()) {
      throw new UsageException("the dataset is given twice: --data " + value + " and " + line.getArgList().get(0));
    }
    if (value == null) {
      throw new UsageException("missing the dataset: pass --data DIR");
    }
    return Path.of(value);
  }

  /** The value of an enum option, named in lower case with hyphens ({@code fallback} when absent). */
  static <E extends Enum<E>> E choice(CommandLine line, String option, E fallback, E[] values)
      throws UsageException {
    String text = line.getOptionValue(option);
    if (text == null) {
      return fallback;
    }
    for (E value : values) {
      if (optionName(value).equals(text)) {
        return value;
      }
    }
    throw new UsageException("--" + option + " must be one of " + String.join(", ", Arrays.stream(values)
        .map(OptionsCommand::optionName).toList()) + ", got '" + text + "'");
  }

  /** An enum constant as an option value: lower case with dashes. */
  static String optionName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static int intOption(CommandLine line, String option, int fallback, int min) throws UsageException {
    String text = line.getOptionValue(option);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value < min) {
        throw new UsageException("--" + option + " must be at least " + min + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " expects a whole number, got '" + text + "'");
    }
  }

  static long longOption(CommandLine line, String option, long fallback) throws UsageException {
    String text = line.getOptionValue(option);
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " expects a whole number, got '" + text + "'");
    }
  }

  /** An exported model's version folder: as given, or a base path's highest version, said on standard error. */
  static Path modelFolder(Path given, Console console) throws java.io.IOException {
    org.dlema.export.ModelFolder folder = org.dlema.export.ModelFolder.resolve(given);
    if (folder.note() != null) {
      console.err().println(folder.note());
    }
    return folder.version();
  }

  /** {@code --budget NAME} (train and experiment), the experiment's default when absent. */
  static Budget budgetOption(CommandLine line) throws UsageException {
    String name = line.getOptionValue("budget", Budget.DEFAULT);
    if (!Budget.names().contains(name)) {
      throw new UsageException("--budget must be one of " + String.join(", ", Budget.names())
          + ", got '" + name + "'");
    }
    return Budget.of(name);
  }

  static final String GROUP_BY_HELP = "keep images of one group on one side of the split: a regular expression "
      + "found in each image id, whose first group (or whole match) names the group, e.g. '^(L\\d+)_' for the "
      + "patient of LIDC's L0001_n0 (default: single images)";

  /** {@code --group-by REGEX} (split, train, experiment): checked here, so a bad pattern fails before any work. */
  static String groupByOption(CommandLine line) throws UsageException {
    String value = line.getOptionValue("group-by");
    if (value == null) {
      return null;
    }
    try {
      java.util.regex.Pattern.compile(value);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new UsageException("--group-by is not a regular expression: " + e.getDescription() + " in '" + value
          + "'");
    }
    return value;
  }

  /** {@code --ema D}, the weight average's decay per step (train and experiment): in [0, 1), 0 for none. */
  static double averageDecayOption(CommandLine line, double fallback) throws UsageException {
    return doubleOption(line, "ema", fallback, 0, 0.999999);
  }

  static double doubleOption(CommandLine line, String option, double fallback, double min, double max)
      throws UsageException {
    String text = line.getOptionValue(option);
    if (text == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text.strip());
      if (!(value >= min && value <= max)) {
        throw new UsageException("--" + option + " must lie in [" + min + ", " + max + "], got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + " expects a number, got '" + text + "'");
    }
  }

  /** A folder's own name, or {@code fallback} for the file-system root (which has none). */
  static String folderName(Path folder, String fallback) {
    Path name = folder == null ? null : folder.toAbsolutePath().normalize().getFileName();
    return name == null ? fallback : name.toString();
  }

  static Option valued(String longName, String argName, String description) {
    return Option.builder().longOpt(longName).hasArg().argName(argName).desc(description).get();
  }

  static Option flag(String longName, String description) {
    return Option.builder().longOpt(longName).desc(description).get();
  }
}
