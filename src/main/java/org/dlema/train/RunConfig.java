package org.dlema.train;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlema.data.AnnotatedImage;
import org.dlema.data.Annotation;
import org.dlema.data.MultiAnnotatedDataset;
import org.dlema.graph.NetworkSpec;
import org.dlema.io.JsonFiles;
import org.tensorflow.TensorFlow;

/**
 * {@code config.json}: everything a run was made from, so that it can be resumed, reproduced and described in an
 * exported model card: the data and its fingerprint, the network spec, the hyper-parameters and library versions.
 */
public record RunConfig(Method method, Path data, String dataFingerprint, NetworkSpec spec,
    TrainingSettings settings, Versions versions, EnsembleSettings ensemble, Integer member) {

  /** A single network's run (no ensemble). */
  public RunConfig(Method method, Path data, String dataFingerprint, NetworkSpec spec, TrainingSettings settings,
      Versions versions) {
    this(method, data, dataFingerprint, spec, settings, versions, null, null);
  }

  /** The {@code config.json} of run folder {@code run}. */
  public static RunConfig read(Path run) throws IOException {
    Path file = RunFolder.of(run).config();
    if (!Files.isRegularFile(file)) {
      throw new RunStateException(run, RunStateException.Reason.NOT_A_RUN, "not a run folder (no "
          + RunFolder.CONFIG + ")");
    }
    return JsonFiles.read(file, RunConfig.class);
  }

  /** The same run with other settings (a new total step count). */
  public RunConfig withSettings(TrainingSettings other) {
    return new RunConfig(method, data, dataFingerprint, spec, other, versions, ensemble, member);
  }

  /** Member {@code i}'s own config: its settings, under the ensemble's. */
  public RunConfig forMember(TrainingSettings memberSettings, int i) {
    return new RunConfig(method, data, dataFingerprint, spec, memberSettings, versions, ensemble, i);
  }

  /** Whether this is the top folder of a D-LEMA ensemble (a member's own folder names its member index). */
  public boolean isEnsemble() {
    return ensemble != null && member == null;
  }

  /** Versions of what produced the run. */
  public record Versions(String dlema, String tensorflow, String java) {
    public static Versions current() {
      String dlema = RunConfig.class.getPackage().getImplementationVersion();
      return new Versions(dlema == null ? "development" : dlema, TensorFlow.version(),
          Runtime.version().toString());
    }
  }

  /** A hash of image ids, mask file names and file sizes: cheap, and changes when the data does. */
  public static String fingerprint(MultiAnnotatedDataset dataset) {
    Hasher hasher = Hashing.sha256().newHasher();
    for (AnnotatedImage image : dataset.images()) {
      hasher.putString(image.id(), StandardCharsets.UTF_8).putLong(size(image.image()));
      for (Annotation a : image.annotations()) {
        hasher.putString(a.file().getFileName().toString(), StandardCharsets.UTF_8).putLong(size(a.file()));
      }
    }
    return hasher.hash().toString().substring(0, 16);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
