package org.dlema.testing;

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
        SyntheticDataset.write(data(), 12, SyntheticLesionSettings.defaults(48), SimulatorSettings.defaults(2),
            Progress.silent());
        TrainingRun.start(data(), spec(), new TrainingSettings("baseline", 2, 0.01, 0.9, 5e-5, 3, 11, 4, 2, 2,
            0.25), run(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
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
        EnsembleRun.train(data(), spec(), new TrainingSettings("dlema", 2, 0.001, 0.9, 5e-5, 2, 13, 4, 2, 2, 0.25),
            new EnsembleSettings(0, 2, "cross-entropy", "uniform", 2), out, null,
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
