package org.dlema.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.annotations.SerializedName;
import java.util.Locale;

/**
 * The learning rate of each step: a linear warm-up from zero over {@code warmupSteps}, then constant (the paper's
 * setting) or a cosine decay to {@code floor} times the base rate at the last step. A pure function of the step, so
 * a resumed run uses exactly the rates an uninterrupted one would.
 *
 * @param decay how the rate falls after the warm-up
 * @param warmupSteps steps of the linear warm-up (0: none)
 * @param floor the final rate as a fraction of the base rate (cosine only)
 */
public record LearningRateSchedule(Decay decay, int warmupSteps, double floor) {
  /** The shape after the warm-up. */
  public enum Decay {
    @SerializedName("constant") CONSTANT,
    @SerializedName("cosine") COSINE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LearningRateSchedule {
    checkArgument(decay != null, "the schedule needs a decay");
    checkArgument(warmupSteps >= 0, "warm-up steps must be >= 0, got %s", warmupSteps);
    checkArgument(floor >= 0 && floor <= 1, "the final rate fraction must be in [0, 1], got %s", floor);
  }

  /** The paper's: the same rate at every step. */
  public static LearningRateSchedule constant() {
    return new LearningRateSchedule(Decay.CONSTANT, 0, 1);
  }

  /** The cosine schedule's final rate as a fraction of the base rate, unless one is given. */
  public static final double DEFAULT_FLOOR = 0.02;

  /** Linear warm-up over {@code warmupSteps}, then cosine decay to {@code floor} of the base rate. */
  public static LearningRateSchedule cosine(int warmupSteps, double floor) {
    return new LearningRateSchedule(Decay.COSINE, warmupSteps, floor);
  }

  /** The rate of 0-based step {@code step} of {@code steps}, for base rate {@code base}. */
  public double rate(double base, long step, long steps) {
    if (step < warmupSteps) {
      // Step 0 already learns a little: (step + 1) / warm-up.
      return base * (step + 1) / warmupSteps;
    }
    if (decay == Decay.CONSTANT) {
      return base;
    }
    long span = Math.max(1, steps - 1 - warmupSteps);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
    return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  /** Whether the rate of a step depends on the run's total step count (so that total cannot change later). */
  public boolean dependsOnTotal() {
    return decay != Decay.CONSTANT;
  }

  /** A short description, e.g. "cosine to 0.01 after 100 warm-up steps". */
  public String describe() {
    String shape = decay == Decay.CONSTANT ? "constant" : String.format(Locale.ROOT, "cosine decay to %s x", floor);
    return warmupSteps == 0 ? shape : shape + " after " + warmupSteps + " warm-up steps";
  }
}
