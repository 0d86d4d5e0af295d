package org.dlema.testing;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.data.synth.SimulatorSettings;
import org.dlema.data.synth.SyntheticDataset;
import org.dlema.data.synth.SyntheticLesionSettings;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.Progress;
import org.dlema.train.EnsembleRun;
import org.dlema.train.EnsembleSettings;
import org.dlema.train.Method;
import org.dlema.train.TrainingRun;
import org.dlema.train.TrainingSettings;

/** A small synthetic dataset and a few-step run of the tiny spec, made once per test JVM and shared. */
public final class TinyRun {
  private static Path root;

  private TinyRun() {}

  public static synchronized Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("dlema-tiny-run");
        Path made = root;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            MoreFiles.deleteRecursively(made, RecursiveDeleteOption.ALLOW_INSECURE);
          } catch (IOException e) {
            // The JVM is ending; a temporary folder left behind is all that is lost.
          }
        }));
        SyntheticDataset.write(data(), 12, SyntheticLesionSettings.defaults(48), SimulatorSettings.defaults(2),
            Progress.silent());
        TrainingRun.start(data(), spec(), TrainingSettings.builder(Method.BASELINE).learningRate(0.01)
            .momentum(0.9).mcSamples(3).seed(11).steps(4).interval(2).validationFraction(0.25).build(), run(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  /** A D-LEMA run on the same data (as many members as the most annotated image has masks), made on first use. */
  public static synchronized Path ensemble() {
    Path out = root().resolve("ensemble");
    if (!Files.isDirectory(out)) {
      try {
        EnsembleRun.train(data(), spec(), TrainingSettings.builder(Method.DLEMA).learningRate(0.001)
            .momentum(0.9).mcSamples(2).seed(13).steps(4).interval(2).validationFraction(0.25).build(),
            EnsembleSettings.paper(0, 2).toBuilder().weightSamples(2).build(), out, null,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  public static Path data() {
    return root().resolve("data");
  }

  public static Path run() {
    return root().resolve("run");
  }

  public static NetworkSpec spec() {
    try {
      return NetworkSpec.load(Path.of("graphs/tiny.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
