package org.dlema.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.dlema.train.Method;
import org.dlema.train.TrainingSettings;

/**
 * One option of a verb, declared once: its name, its value's name, its help, its default (a library constant, or
 * null where the default depends on other options) and the training methods it applies to. The {@code --help} text
 * (with "(default X)" and the methods it applies to), the parsing with that default and the refusal under another
 * method all come from here, so they cannot drift apart.
 *
 * @param arg the value's name in {@code --help}, or null for a flag
 * @param fallback the value when the option is absent, shown as "(default X)"; null when the help says it
 * @param methods the methods the option applies to; empty for every method
 */
record Declared<T>(String name, String arg, String help, T fallback, Set<Method> methods) {
  Declared {
    methods = Set.copyOf(methods);
  }

  /** An option with a value, for every method. */
  static <T> Declared<T> valued(String name, String arg, String help, T fallback) {
    return new Declared<>(name, arg, help, fallback, Set.of());
  }

  /** A verb's {@code --seed N}: every verb starts from the project's one default seed. */
  static Declared<Long> seed(String help) {
    return valued("seed", "N", help, TrainingSettings.DEFAULT_SEED);
  }

  /** A flag, for every method. */
  static Declared<Boolean> flag(String name, String help) {
    return new Declared<>(name, null, help, null, Set.of());
  }

  /** The same option, for {@code only} these methods. */
  Declared<T> only(Method... only) {
    return new Declared<>(name, arg, help, fallback, Set.of(only));
  }

  /** The methods it applies to, in their declared order, as the help and the refusal name them. */
  private String methodNames(String and) {
    return Arrays.stream(Method.values()).filter(methods::contains).map(Method::id)
        .collect(Collectors.joining(and));
  }

  /** The commons-cli option, its help led by the methods it applies to and ended by its default. */
  Option option() {
    String text = (methods.isEmpty() ? "" : methodNames(" and ") + ": ") + help
        + (fallback == null ? "" : " (default " + shown(fallback) + ")");
    return arg == null ? OptionsCommand.flag(name, text) : OptionsCommand.valued(name, arg, text);
  }

  /** A value as typed on the command line: an enum constant as its option name, a whole number without ".0". */
  private static String shown(Object value) {
    if (value instanceof Enum<?> e) {
      return OptionsCommand.optionName(e);
    }
    return value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString(d.longValue())
        : String.valueOf(value);
  }

  /** Every option of a verb, in order. */
  static Options options(List<Declared<?>> declared) {
    Options options = new Options();
    declared.forEach(d -> options.addOption(d.option()));
    return options;
  }

  /** Refuses each given option that does not apply to {@code method}. */
  static void refuseOthers(List<Declared<?>> declared, CommandLine line, Method method) throws UsageException {
    for (Declared<?> d : declared) {
      if (!d.methods.isEmpty() && !d.methods.contains(method) && line.hasOption(d.name)) {
        throw new UsageException("--" + d.name + " applies to --method " + d.methodNames(" or ") + " only");
      }
    }
  }

  boolean given(CommandLine line) {
    return line.hasOption(name);
  }

  /** The text given, or the default's. */
  String text(CommandLine line) {
    return line.getOptionValue(name, fallback == null ? null : String.valueOf(fallback));
  }

  /** The whole number given (any), or the default. */
  long whole(CommandLine line) throws UsageException {
    return OptionsCommand.longOption(line, name, ((Number) fallback).longValue());
  }

  /** The whole number given, at least {@code min}, or the default. */
  int integer(CommandLine line, int min) throws UsageException {
    return OptionsCommand.intOption(line, name, (Integer) fallback, min);
  }

  /** The whole number given, at least {@code min}, or {@code fallback} where the declaration has no default. */
  int integer(CommandLine line, int fallback, int min) throws UsageException {
    return OptionsCommand.intOption(line, name, fallback, min);
  }

  /** The number given, in [min, max], or the default. */
  double decimal(CommandLine line, double min, double max) throws UsageException {
    return OptionsCommand.doubleOption(line, name, ((Number) fallback).doubleValue(), min, max);
  }

  /** The constant named, or the default. */
  @SuppressWarnings("unchecked")
  <E extends Enum<E>> E choice(CommandLine line, E[] values) throws UsageException {
    return OptionsCommand.choice(line, name, (E) fallback, values);
  }

  /** The constant named, or {@code fallback} where the declaration has no default. */
  <E extends Enum<E>> E choice(CommandLine line, E fallback, E[] values) throws UsageException {
    return OptionsCommand.choice(line, name, fallback, values);
  }

  /** The number given, in [min, max], or {@code fallback} where the declaration has no default. */
  double decimal(CommandLine line, double fallback, double min, double max) throws UsageException {
    return OptionsCommand.doubleOption(line, name, fallback, min, max);
  }
}
