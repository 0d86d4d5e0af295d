package org.dlema.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.dlema.graph.OneDnn;
import org.tensorflow.TensorFlow;

/** {@code dlema version}: the project, TensorFlow and Java versions (loads the native TensorFlow library). */
final class VersionCommand extends OptionsCommand {
  VersionCommand() {
    super("version");
  }

  @Override
  public String summary() {
    return "print the dlema, TensorFlow and Java versions and whether TensorFlow's oneDNN kernels run (checks that "
        + "the native TensorFlow library loads)";
  }

  @Override
  String description() {
    return "Prints the versions that runs and exported models record. Loading TensorFlow's native library the "
        + "first time unpacks it into the user's cache, which takes a few seconds. TensorFlow's oneDNN kernels change "
        + "a run's speed and its weights' last bits; " + OneDnn.VARIABLE + "=1 or 0 chooses them.";
  }

  @Override
  Options options() {
    return new Options();
  }

  @Override
  int execute(CommandLine line, Console console) {
    String version = VersionCommand.class.getPackage().getImplementationVersion();
    console.out().println("dlema " + (version == null ? "(development build)" : version));
    console.out().println("TensorFlow " + TensorFlow.version() + " (TensorFlow Java 1.1.0)");
    console.out().println("Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
    OneDnn oneDnn = OneDnn.current();
    console.out().println("oneDNN kernels " + (oneDnn.on() ? "on" : "off") + " (" + oneDnn.why() + ")");
    return 0;
  }
}
