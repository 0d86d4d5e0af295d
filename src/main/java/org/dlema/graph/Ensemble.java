package org.dlema.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * M members in one graph over one input, in inference mode, with their {@link Fusion}. Member i's variables carry
 * the prefix {@code member<i>.} so that one graph holds them all; stripped of it they are the names of the member's
 * own checkpoint.
 */
public record Ensemble(List<Parameters> members, Fusion fusion) {
  /** The variable-name prefix of member {@code i} (1-based). */
  public static String memberPrefix(int i) {
    return "member" + i + ".";
  }

  /** @param input normalised images [batch, size, size, 3] */
  public static Ensemble build(Ops tf, NetworkSpec spec, Operand<TFloat32> input, Operand<TInt32> batch,
      int members) {
    return build(tf, spec, input, batch, Fusion.ones(members));
  }

  /**
   * Members with temperature scaling (see {@link Fusion#Fusion(Ops, List, double[])}).
   *
   * @param temperatures one per member, member 1 first
   */
  public static Ensemble build(Ops tf, NetworkSpec spec, Operand<TFloat32> input, Operand<TInt32> batch,
      double[] temperatures) {
    List<Parameters> parameters = new ArrayList<>();
    List<NetworkOutputs> outputs = new ArrayList<>();
    for (int i = 1; i <= temperatures.length; i++) {
      Parameters params = new Parameters(tf, 0, memberPrefix(i));
      parameters.add(params);
      outputs.add(new LinkNet(spec).build(params, input, batch, Mode.INFERENCE));
    }
    return new Ensemble(List.copyOf(parameters), new Fusion(tf, outputs, temperatures));
  }
}
