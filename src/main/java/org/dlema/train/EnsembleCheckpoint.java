package org.dlema.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.dlema.graph.Ensemble;
import org.dlema.graph.Parameters;
import org.dlema.graph.SessionThreads;
import org.dlema.graph.TensorFlowMessage;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFResourceExhaustedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * One checkpoint holding every member's variables under its member prefix, copied from the members' own
 * checkpoints by a small separate graph in one run (read each member's tensors, write them renamed). The graph of a
 * fused {@link Ensemble} then loads it with a plain {@code Session.restore}, so no loading ops end up in an exported
 * model. Optimizer slots of the members are not copied.
 */
public final class EnsembleCheckpoint {
  private EnsembleCheckpoint() {}

  /**
   * @param ensemble the variables of each member in the ensemble's graph ({@link Ensemble#members()})
   * @param members the variables prefix of each member's checkpoint ({@link Checkpoints#variables}), in order
   * @param prefix where to write the combined checkpoint
   */
  public static void write(List<Parameters> ensemble, List<Path> members, Path prefix) throws IOException {
    if (members.size() != ensemble.size()) {
      throw new IllegalArgumentException(members.size() + " checkpoints for " + ensemble.size()
          + " members");
    }
    try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
      Ops tf = Ops.create(graph);
      List<String> names = new ArrayList<>();
      List<Operand<?>> tensors = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Parameters params = ensemble.get(i);
        List<String> full = params.variableNames();
        String[] own = ownNames(params);
        List<Class<? extends TType>> types = Collections.nCopies(own.length, TFloat32.class);
        Restore read = tf.train.restore(tf.constant(members.get(i).toString()), strings(tf, own),
            strings(tf, blanks(own.length)), types);
        names.addAll(full);
        tensors.addAll(read.tensors());
      }
      var save = tf.train.save(tf.constant(prefix.toString()), strings(tf, names.toArray(String[]::new)),
          strings(tf, blanks(names.size())), tensors);
      try {
        session.runner().addTarget(save).run().close();
      } catch (TFResourceExhaustedException e) {
        throw e;
      } catch (TensorFlowException e) {
        throw damagedMember(ensemble, members, prefix, e);
      }
    }
  }

  /** Which member's checkpoint failed: each is read on its own, so the message names that member's file. */
  private static IOException damagedMember(List<Parameters> ensemble, List<Path> members, Path prefix,
      TensorFlowException failure) {
    for (int i = 0; i < members.size(); i++) {
      try (Graph graph = new Graph(); Session session = SessionThreads.open(graph)) {
        Ops tf = Ops.create(graph);
        String[] own = ownNames(ensemble.get(i));
        Restore read = tf.train.restore(tf.constant(members.get(i).toString()), strings(tf, own),
            strings(tf, blanks(own.length)), Collections.nCopies(own.length, TFloat32.class));
        Session.Runner runner = session.runner();
        read.tensors().forEach(runner::fetch);
        runner.run().close();
      } catch (TensorFlowException e) {
        return Checkpoints.unreadable(members.get(i).getParent(), e);
      }
    }
    // Every member reads back: writing the combined checkpoint is what failed (a full disk, say).
    return new IOException(prefix + ": the combined checkpoint cannot be written ("
        + TensorFlowMessage.firstLine(failure.getMessage()) + ")", failure);
  }

  /** A member's variable names without its member prefix: the names in its own checkpoint. */
  private static String[] ownNames(Parameters params) {
    return params.variableNames().stream().map(n -> n.substring(params.prefix().length())).toArray(String[]::new);
  }

  private static Operand<TString> strings(Ops tf, String[] values) {
    return tf.constant(StandardCharsets.UTF_8, values);
  }

  /** Empty shape-and-slice specs: whole tensors. */
  private static String[] blanks(int n) {
    String[] blanks = new String[n];
    Arrays.fill(blanks, "");
    return blanks;
  }
}
