package org.dlema.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.dlema.graph.Ensemble;
import org.dlema.graph.FusionRule;
import org.dlema.graph.NetworkSpec;
import org.dlema.graph.ServingGraph;
import org.dlema.graph.SessionThreads;
import org.dlema.graph.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Inference through the serving graphs (raw pixels in, resizing and normalisation inside, the signature's outputs
 * fetched), four ways, interleaved round by round at each batch size:
 * <ul>
 *   <li>one member: a single network's graph ({@code ServingGraph.single});
 *   <li>fused: all M members in one graph, one call ({@code ServingGraph.ensemble}, the uniform rule's outputs);
 *   <li>sequential: the M single-network graphs called one after another, as M separate member models would be;
 *   <li>SavedModel: the fused graph exported, reloaded with {@code SavedModelBundle.load} (TensorFlow's C++ loader,
 *       the one TF Serving uses) and called through its {@code serving_default} function.
 * </ul>
 * The weights are freshly initialised: speed does not depend on their values.
 */
public final class InferenceTimes {
  /** One spec at one batch size. */
  public record Measurement(String spec, int batch, int members, TimedWork member, TimedWork fused,
      TimedWork sequential, TimedWork savedModel, double fusedToSequential, double savedModelToFused) {}

  /** Every inference measurement of a run. */
  public record Section(int members, List<Measurement> measurements) {}

  /** Normalisation baked into the benchmark's serving graphs; it keeps raw 0..255 pixels near unit scale. */
  private static final double[] MEAN = {120, 110, 100};
  private static final double[] STD = {60, 60, 60};
  private static final String SERVE = "serve";
  private static final String DEFAULT_SIGNATURE = "serving_default";
  private static final String PREDICT = "tensorflow/serving/predict";

  private InferenceTimes() {}

  /** The four ways for each spec and inference batch; the MatMul peak is sampled before each configuration. */
  public static Section measure(BenchmarkSettings settings, MatMulPeak peak, PrintStream log) throws IOException {
    List<Pending> pending = new ArrayList<>();
    int m = settings.members();
    for (NetworkSpec spec : settings.specs()) {
      NetworkFlops flops = NetworkFlops.of(spec);
      try (Graphs graphs = new Graphs(spec, m)) {
        for (int batch : settings.inferenceBatches()) {
          peak.sample(StepTimes.PEAK_RUNS_PER_CONFIGURATION);
          Samples one = new Samples(settings.timed());
          Samples fused = new Samples(settings.timed());
          Samples sequential = new Samples(settings.timed());
          Samples saved = new Samples(settings.timed());
          int side = spec.inputSize();
          try (TFloat32 image = Tensors.of(pixels(batch * side * side * 3), Shape.of(batch, side, side, 3))) {
            for (int i = -settings.warmup(); i < settings.timed(); i++) {
              boolean timed = i >= 0;
              one.run(timed, () -> graphs.member(0, image));
              fused.run(timed, () -> graphs.fused(image));
              sequential.run(timed, () -> {
                for (int k = 0; k < m; k++) {
                  graphs.member(k, image);
                }
              });
              saved.run(timed, () -> graphs.savedModel(image));
            }
          }
          pending.add(new Pending(spec.name(), batch, m, flops.inference(batch), one, fused, sequential, saved));
          log.printf("%-14s inference batch %3d  one member %8.1f ms  fused %d %8.1f ms  sequential %d %8.1f ms  "
              + "SavedModel %8.1f ms%n", spec.name(), batch, one.medianMs(), m, fused.medianMs(), m,
              sequential.medianMs(), saved.medianMs());
        }
      }
    }
    // The peak is final only now: it pools the runs taken before every configuration.
    double peakGflops = peak.peak().gflops();
    int cores = Runtime.getRuntime().availableProcessors();
    List<Measurement> results = new ArrayList<>();
    for (Pending p : pending) {
      TimedWork fused = TimedWork.of(p.fused, p.memberFlops * p.members, peakGflops, cores);
      TimedWork sequential = TimedWork.of(p.sequential, p.memberFlops * p.members, peakGflops, cores);
      TimedWork saved = TimedWork.of(p.saved, p.memberFlops * p.members, peakGflops, cores);
      results.add(new Measurement(p.spec, p.batch, p.members, TimedWork.of(p.one, p.memberFlops, peakGflops, cores),
          fused, sequential, saved, fused.medianMs() / sequential.medianMs(), saved.medianMs() / fused.medianMs()));
    }
    return new Section(m, results);
  }

  private record Pending(String spec, int batch, int members, long memberFlops, Samples one, Samples fused,
      Samples sequential, Samples saved) {}

  /** Raw pixels, uniform in 0..255. */
  private static float[] pixels(int n) {
    Random random = new Random(5);
    float[] values = new float[n];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextInt(256);
    }
    return values;
  }

  /** The graphs and sessions of one spec: M single networks, the fused ensemble and its reloaded SavedModel. */
  private static final class Graphs implements AutoCloseable {
    private final List<Graph> graphs = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private final List<List<Operand<TFloat32>>> memberOutputs = new ArrayList<>();
    private final List<ServingGraph.Endpoints> members = new ArrayList<>();
    private final ServingGraph.EnsembleEndpoints ensemble;
    private final List<Operand<TFloat32>> fusedOutputs;
    private final Session fusedSession;
    private final Path exportRoot;
    private final SavedModelBundle bundle;
    private final SessionFunction served;

    Graphs(NetworkSpec spec, int m) throws IOException {
      try {
        for (int i = 1; i <= m; i++) {
          Graph graph = new Graph();
          graphs.add(graph);
          ServingGraph.Endpoints endpoints = ServingGraph.single(Ops.create(graph), spec, MEAN, STD,
              Ensemble.memberPrefix(i));
          members.add(endpoints);
          memberOutputs.add(List.of(endpoints.probability(), endpoints.mask(), endpoints.aleatoric()));
          sessions.add(open(graph));
        }
        Graph graph = new Graph();
        graphs.add(graph);
        ensemble = ServingGraph.ensemble(Ops.create(graph), spec, MEAN, STD, m);
        ServingGraph.FusedOutputs uniform = ensemble.outputs().get(FusionRule.UNIFORM);
        fusedOutputs = List.of(uniform.probability(), uniform.mask(), uniform.aleatoric(), uniform.epistemic(),
            uniform.memberProbabilities());
        fusedSession = open(graph);
        sessions.add(fusedSession);
        // The fused model as an export would hold it: signature serving_default with the predict method name.
        Signature signature = Signature.builder().key(DEFAULT_SIGNATURE).methodName(PREDICT)
            .input("image", ensemble.image()).output("probability", uniform.probability())
            .output("mask", uniform.mask()).output("aleatoric", uniform.aleatoric())
            .output("epistemic", uniform.epistemic()).output("member_probabilities", uniform.memberProbabilities())
            .build();
        exportRoot = Files.createTempDirectory("dlema-benchmark-");
        Path version = exportRoot.resolve("1");
        SavedModelBundle.exporter(version.toString()).withTags(SERVE).withSession(fusedSession)
            .withFunction(SessionFunction.create(signature, fusedSession)).export();
        bundle = SavedModelBundle.load(version.toString(), SERVE);
        served = bundle.function(DEFAULT_SIGNATURE);
      } catch (RuntimeException | IOException e) {
        close();
        throw e;
      }
    }

    private static Session open(Graph graph) {
      Session session = SessionThreads.open(graph);
      session.initialize();
      return session;
    }

    void member(int index, TFloat32 image) {
      Session.Runner runner = sessions.get(index).runner().feed(members.get(index).image(), image);
      memberOutputs.get(index).forEach(runner::fetch);
      try (Result result = runner.run()) {
        // Fetched and released: only the time counts.
      }
    }

    void fused(TFloat32 image) {
      Session.Runner runner = fusedSession.runner().feed(ensemble.image(), image);
      fusedOutputs.forEach(runner::fetch);
      try (Result result = runner.run()) {
        // Fetched and released: only the time counts.
      }
    }

    void savedModel(TFloat32 image) {
      try (Result result = served.call(Map.of("image", image))) {
        // Fetched and released: only the time counts.
      }
    }

    @Override
    public void close() {
      if (bundle != null) {
        bundle.close();
      }
      sessions.forEach(Session::close);
      graphs.forEach(Graph::close);
      if (exportRoot != null) {
        try (Stream<Path> files = Files.walk(exportRoot)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
