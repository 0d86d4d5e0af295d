package org.dlema.bench;

import java.util.List;
import org.dlema.graph.NetworkSpec;

/**
 * What {@code dlema benchmark} measures.
 *
 * @param cleanBatch the meta step's clean batch, or null for each configuration's batch size
 * @param warmup untimed runs per configuration (the first runs of a fetch set pay for graph optimisation)
 * @param timed timed runs per configuration, reported as medians
 * @param members the ensemble size of the inference measurements
 * @param inferenceBatches batch sizes of the inference measurements
 * @param inference whether to measure inference at all
 * @param matmulSize n of the n x n MatMul that gives the machine's practical peak
 * @param profileSteps traced training steps per configuration whose ops' run times are summed per op type (0: none)
 * @param compare the other ways each configuration's steps are also timed, interleaved with the main ones
 */
public record BenchmarkSettings(List<NetworkSpec> specs, int[] batches, Integer cleanBatch, int warmup, int timed,
    int members, int[] inferenceBatches, boolean inference, int matmulSize, int profileSteps,
    List<StepVariant> compare) {
  public static final int DEFAULT_MEMBERS = 5;
  public static final int DEFAULT_PROFILE_STEPS = 5;
  /** Op types listed one by one in the profile; the rest are summed. */
  static final int PROFILE_TOP = 12;
  public static final int DEFAULT_MATMUL = 2048;
  /** The largest MatMul side: three 8192 x 8192 float matrices take 0.8 GB. */
  public static final int MAX_MATMUL = 8192;

  public BenchmarkSettings {
    specs = List.copyOf(specs);
    compare = List.copyOf(compare);
    batches = batches.clone();
    inferenceBatches = inferenceBatches.clone();
  }

  /** The meta step's clean batch at noisy batch {@code batch}. */
  public int cleanBatch(int batch) {
    return cleanBatch == null ? batch : cleanBatch;
  }
}
