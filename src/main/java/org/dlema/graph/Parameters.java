package org.dlema.graph;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Creates a network's variables with flat, stable names ({@code enc1.block0.conv1.w}) so that checkpoints, exports
 * and ensemble prefixes never depend on creation order. Weights are He-normal from a stateless generator keyed by
 * (seed, name): the same seed gives bit-identical weights, and adding a layer does not reshuffle the others.
 *
 * <p>With weight averaging ({@link #averaging}) every trainable tensor is two variables: the one the optimiser
 * updates, named {@code NAME.raw}, and its exponential moving average under the plain {@code NAME}. Batch-norm
 * statistics are two as well: the optimiser's network's ({@code NAME.raw}) and the averaged network's own
 * ({@code NAME}), since statistics gathered with other weights do not match the average. Whatever reads a network by
 * its names (export, calibration, fused ensembles) therefore reads the averaged network, and a checkpoint holds
 * both, so that resume continues the optimiser and the average exactly.
 */
public final class Parameters {
  private final Ops tf;
  private final long seed;
  private final String prefix;
  private final Map<String, Variable<TFloat32>> trainable;
  private final Map<String, Variable<TFloat32>> statistics;
  private final boolean reuse;
  /** In a substituted view, the tensors that stand in for the trainable variables, by full name. */
  private final Map<String, Operand<TFloat32>> substitutes;
  /** The moving averages of the trainable variables, by full name; null without weight averaging. */
  private final Map<String, Variable<TFloat32>> averages;
  /** The averaged network's batch-norm statistics, by full name; null without weight averaging. */
  private final Map<String, Variable<TFloat32>> averageStatistics;
  /** Whether this view is the averaged network (its statistics are {@link #averageStatistics}). */
  private final boolean averagedView;

  /** Suffix of the optimiser's variables when the plain names hold their averages. */
  public static final String RAW_SUFFIX = ".raw";

  /** @param prefix prepended to every name (e.g. {@code "member3."} in a fused ensemble), may be empty */
  public Parameters(Ops tf, long seed, String prefix) {
    this(tf, seed, prefix, new LinkedHashMap<>(), new LinkedHashMap<>(), false, null, null, null, false);
  }

  private Parameters(Ops tf, long seed, String prefix, Map<String, Variable<TFloat32>> trainable,
      Map<String, Variable<TFloat32>> statistics, boolean reuse, Map<String, Operand<TFloat32>> substitutes,
      Map<String, Variable<TFloat32>> averages, Map<String, Variable<TFloat32>> averageStatistics,
      boolean averagedView) {
    this.tf = tf;
    this.seed = seed;
    this.prefix = prefix;
    this.trainable = trainable;
    this.statistics = statistics;
    this.reuse = reuse;
    this.substitutes = substitutes;
    this.averages = averages;
    this.averageStatistics = averageStatistics;
    this.averagedView = averagedView;
  }

  /**
   * A training network's parameters with a moving average beside every trainable variable, starting equal to it
   * (see the class comment for the names).
   */
  public static Parameters averaging(Ops tf, long seed, String prefix) {
    return new Parameters(tf, seed, prefix, new LinkedHashMap<>(), new LinkedHashMap<>(), false, null,
        new LinkedHashMap<>(), new LinkedHashMap<>(), false);
  }

  /**
   * A view that hands out the variables already declared here instead of creating new ones: a second pass over the
   * same network (inference beside training) shares its weights.
   */
  public Parameters shared() {
    return new Parameters(tf, seed, prefix, trainable, statistics, true, null, averages, averageStatistics, false);
  }

  /**
   * The network validation and export see: with weight averaging the moving averages in place of the trainable
   * variables, with their own batch-norm statistics; else the trainable variables themselves ({@link #shared}).
   */
  public Parameters evaluated() {
    return averages == null ? shared() : new Parameters(tf, seed, prefix, trainable, statistics, true,
        Map.copyOf(averages), averages, averageStatistics, true);
  }

  public boolean isAveraging() {
    return averages != null;
  }

  /** The moving averages in the order of {@link #trainable()}; empty without weight averaging. */
  public List<Variable<TFloat32>> averages() {
    return averages == null ? List.of() : new ArrayList<>(averages.values());
  }

  /**
   * A view in which every trainable parameter is replaced by the tensor given for its full name: the network built
   * on it is a function of those tensors (the virtual step theta' = theta - lr * grad of the meta step).
   * Batch-norm statistics stay the shared variables.
   */
  public Parameters substituted(Map<String, Operand<TFloat32>> byName) {
    checkArgument(byName.keySet().equals(trainable.keySet()), "substitutes must cover exactly the trainable "
        + "variables");
    return new Parameters(tf, seed, prefix, trainable, statistics, true, Map.copyOf(byName), averages,
        averageStatistics, false);
  }

  public Ops ops() {
    return tf;
  }

  /** A convolution kernel, He-normal for {@code fanIn} inputs: std = sqrt(2 / fanIn), truncated at two std. */
  public Operand<TFloat32> weight(String name, Shape shape, long fanIn) {
    if (reuse) {
      return trainableOrSubstitute(name);
    }
    Ops init = tf.withInitScope();
    // Truncation at 2 std shrinks the spread by 0.8796; dividing restores the He standard deviation.
    float std = (float) (Math.sqrt(2.0 / fanIn) / 0.87962566103423978);
    long key = Hashing.murmur3_128().hashString(prefix + name, StandardCharsets.UTF_8).asLong();
    var noise = init.random.statelessTruncatedNormal(init.constant(shape), init.constant(new long[] {seed, key}));
    return register(trainable, name, init.math.mul(noise, init.constant(std)));
  }

  /** A trainable tensor filled with {@code value} (biases, batch-norm scale and offset). */
  public Operand<TFloat32> filled(String name, Shape shape, float value) {
    if (reuse) {
      return trainableOrSubstitute(name);
    }
    Ops init = tf.withInitScope();
    return register(trainable, name, init.fill(init.constant(shape), init.constant(value)));
  }

  /** A non-trainable statistic filled with {@code value} (batch-norm moving mean and variance). */
  public Variable<TFloat32> statistic(String name, Shape shape, float value) {
    if (reuse) {
      return existing(averagedView ? averageStatistics : statistics, name);
    }
    Ops init = tf.withInitScope();
    return register(statistics, name, init.fill(init.constant(shape), init.constant(value)));
  }

  private Operand<TFloat32> trainableOrSubstitute(String name) {
    Variable<TFloat32> variable = existing(trainable, name);
    return substitutes == null ? variable : substitutes.get(prefix + name);
  }

  private Variable<TFloat32> existing(Map<String, Variable<TFloat32>> from, String name) {
    Variable<TFloat32> variable = from.get(prefix + name);
    checkArgument(variable != null, "variable %s was never declared", prefix + name);
    return variable;
  }

  private Variable<TFloat32> register(Map<String, Variable<TFloat32>> into, String name,
      Operand<TFloat32> init) {
    String full = prefix + name;
    checkArgument(!trainable.containsKey(full) && !statistics.containsKey(full), "variable %s declared twice", full);
    Variable<TFloat32> variable = tf.withName(averages == null ? full : full + RAW_SUFFIX).variable(init);
    into.put(full, variable);
    if (averages != null) {
      // The same initial value: the average starts where the optimiser does.
      (into == trainable ? averages : averageStatistics).put(full, tf.withName(full).variable(init));
    }
    return variable;
  }

  /** Trainable variables in creation order. */
  public List<Variable<TFloat32>> trainable() {
    return new ArrayList<>(trainable.values());
  }

  public Map<String, Variable<TFloat32>> trainableByName() {
    return new LinkedHashMap<>(trainable);
  }

  public List<Variable<TFloat32>> statistics() {
    return new ArrayList<>(statistics.values());
  }

  public String prefix() {
    return prefix;
  }

  /** Full names of every variable, trainable then statistics, in creation order. */
  public List<String> variableNames() {
    List<String> names = new ArrayList<>(trainable.keySet());
    names.addAll(statistics.keySet());
    return names;
  }

  /** Number of trainable scalars. */
  public long trainableCount() {
    return trainable.values().stream().mapToLong(v -> v.shape().size()).sum();
  }
}
