package org.dlema.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A verb made of sub-verbs (git style): {@code dlema data simulate ...}. */
class CommandGroup implements Command {
  private final String path;
  private final String summary;
  private final Map<String, Command> commands = new LinkedHashMap<>();

  CommandGroup(String path, String summary, List<Command> commands) {
    this.path = path;
    this.summary = summary;
    commands.forEach(c -> this.commands.put(c.name(), c));
  }

  @Override
  public String name() {
    return path.substring(path.lastIndexOf(' ') + 1);
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public int run(List<String> args, Console console) throws Exception {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
      printHelp(console);
      return args.isEmpty() ? 2 : 0;
    }
    Command command = commands.get(args.get(0));
    if (command == null) {
      throw new UsageException("unknown verb '" + args.get(0) + "' for '" + path + "'; known: "
          + String.join(", ", commands.keySet()));
    }
    return command.run(args.subList(1, args.size()), console);
  }

  void printHelp(Console console) {
    console.out().println("usage: " + path + " <verb> [options]    (" + path + " <verb> --help for details)");
    console.out().println();
    console.out().println(summary);
    console.out().println();
    listVerbs("", console);
    if (!path.contains(" ")) {
      console.out().println();
      console.out().println("flags of every verb: --debug prints the full trace of a failure; --verbose shows "
          + "TensorFlow's own log lines");
    }
  }

  /** Every verb that runs something, by its words after {@code dlema}, in help order ({@code data split}, ...). */
  List<String> verbs() {
    List<String> verbs = new java.util.ArrayList<>();
    commands.forEach((name, command) -> {
      if (command instanceof CommandGroup group) {
        group.verbs().forEach(v -> verbs.add(name + " " + v));
      } else {
        verbs.add(name);
      }
    });
    return verbs;
  }

  /** Lists this group's verbs, and those of nested groups under their full names. */
  private void listVerbs(String prefix, Console console) {
    commands.forEach((name, command) -> {
      HelpText.item(prefix + name, command.summary(), console.out());
      if (command instanceof CommandGroup group) {
        group.listVerbs(prefix + name + " ", console);
      }
    });
  }
}
