package org.dlema.bench;

import java.util.Locale;

/** The benchmark report as markdown, for {@code benchmarks/README.md}: the original table first, then the rest. */
public final class ReportTables {
  private ReportTables() {}

  public static String markdown(StepTimes.Report report) {
    StringBuilder md = new StringBuilder(stepTable(report));
    if (report.machine() != null && report.peak() != null) {
      Machine m = report.machine();
      MatMulPeak.Peak p = report.peak();
      md.append(format("%nMachine: %s, %d cores, TensorFlow %s on %s, Java %s. Peak: %.1f GFLOP/s, the median of %d "
          + "runs of a %dx%d float32 MatMul (%.1f .. %.1f over the runs).%n", m.cpu(), m.cores(), m.tensorflow(),
          String.join(", ", m.devices()), m.java(), p.gflops(), p.runs(), p.size(), p.size(), p.minGflops(),
          p.maxGflops()));
      if (report.bfloat16Peak() != null) {
        md.append(format("The same MatMul in bfloat16: %.1f GFLOP/s, %.2f of float32's; bfloat16 units: %s.%n",
            report.bfloat16Peak().gflops(), report.bfloat16Peak().gflops() / p.gflops(),
            m.bfloat16UnitsText()));
      }
      if (m.oneDnn() != null) {
        md.append(format("oneDNN kernels %s%s; graph rewriting (Grappler) %s.%n", m.oneDnn(),
            m.oneDnnWhy() == null ? "" : " (" + m.oneDnnWhy() + ")", m.rewriting() ? "on" : "off"));
      }
      md.append("\n").append(workTable(report));
      md.append("\n").append(iterationTable(report));
      md.append("\n").append(buildTable(report));
      if (report.measurements().stream().anyMatch(x -> x.variants() != null && !x.variants().isEmpty())) {
        md.append("\n").append(variantsTable(report));
      }
    }
    for (StepTimes.Measurement m : report.measurements()) {
      if (m.trainStepProfile() != null) {
        md.append("\n").append(profileTable(m, "plain training step", m.trainStepProfile(), m.trainStepMedianMs()));
      }
      if (m.metaStepProfile() != null) {
        md.append("\n").append(profileTable(m, "D-LEMA meta step", m.metaStepProfile(), m.metaStepMedianMs()));
      }
    }
    if (report.inference() != null) {
      md.append("\n").append(inferenceTable(report.inference()));
    }
    if (report.memory() != null) {
      StepTimes.Memory memory = report.memory();
      md.append(format("%nPeak resident memory (VmHWM): training %s", bytes(memory.trainingPeakBytes())));
      if (memory.inferencePeakBytes() != null) {
        md.append(memory.resetBeforeInference()
            ? format("; inference %s (reset before inference, at %s resident)", bytes(memory.inferencePeakBytes()),
                bytes(memory.inferenceStartBytes()))
            : format("; training and inference %s (not resettable here)", bytes(memory.inferencePeakBytes())));
      }
      md.append(".\n");
    }
    return md.toString();
  }

  /**
   * The seconds Java took to build each configuration's two graphs, once each, and each graph's first step (which
   * includes TensorFlow's one-off rewriting of the graph).
   */
  static String buildTable(StepTimes.Report report) {
    StringBuilder table = new StringBuilder("| spec | batch | training graph built (s) | its first step (s) "
        + "| D-LEMA meta graph built (s) | its first step (s) |\n|---|---:|---:|---:|---:|---:|\n");
    for (StepTimes.Measurement m : report.measurements()) {
      table.append(format("| %s | %d | %.2f | %.2f | %.2f | %.2f |%n", m.spec(), m.batch(),
          m.trainGraphBuildSeconds(), m.trainFirstStepSeconds(), m.metaGraphBuildSeconds(), m.metaFirstStepSeconds()));
    }
    return table.toString();
  }

  /**
   * The steps run the main way and each other way compared, timed interleaved in the same run, with the graph's
   * bfloat16 nodes and the first loss's relative difference from the main one's.
   */
  static String variantsTable(StepTimes.Report report) {
    StringBuilder table = new StringBuilder("| spec | batch | steps run | train step (median ms) "
        + "| meta step (median ms) | first train step (s) | first meta step (s) | bfloat16 nodes "
        + "| first loss, relative difference |\n|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (StepTimes.Measurement m : report.measurements()) {
      if (m.variants() == null || m.variants().isEmpty()) {
        continue;
      }
      table.append(format("| %s | %d | %s | %.1f | %.1f | %.2f | %.2f | | |%n", m.spec(), m.batch(),
          mainPath(report.machine()), m.trainStepMedianMs(), m.metaStepMedianMs(), m.trainFirstStepSeconds(),
          m.metaFirstStepSeconds()));
      for (StepTimes.Variant v : m.variants()) {
        table.append(format("| %s | %d | %s | %.1f (x%.2f) | %.1f (x%.2f) | %.2f | %.2f | %d | %.1e |%n", m.spec(),
            m.batch(), v.path(), v.trainStepMedianMs(), v.trainStepRatio(), v.metaStepMedianMs(), v.metaStepRatio(),
            v.trainFirstStepSeconds(), v.metaFirstStepSeconds(), v.bfloat16Nodes(), v.firstLossDifference()));
      }
    }
    return table.toString();
  }

  /** The main steps' settings, in the variants' words. */
  private static String mainPath(Machine machine) {
    return machine == null ? "main" : "main: rewriting " + (machine.rewriting() ? "on" : "off") + ", oneDNN "
        + machine.oneDnn();
  }

  /** The original table: medians and ratios of the plain step, inference and the meta step. */
  static String stepTable(StepTimes.Report report) {
    StringBuilder table = new StringBuilder(
        "| spec | parameters | batch | train step (median ms) | inference (median ms) | step ratio "
            + "| clean batch | D-LEMA meta step (median ms) | meta / train step |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StepTimes.Measurement m : report.measurements()) {
      table.append(format("| %s | %,d | %d | %.1f | %.1f | %.2f | %d | %.1f | %.2f |%n",
          m.spec(), m.parameters(), m.batch(), m.trainStepMedianMs(), m.inferenceMedianMs(), m.trainStepRatio(),
          m.cleanBatch(), m.metaStepMedianMs(), m.metaToPlainRatio()));
    }
    return table.toString();
  }

  /** Where a step's time goes, per op type. */
  static String profileTable(StepTimes.Measurement m, String step, OpProfile p, double medianMs) {
    StringBuilder table = new StringBuilder(format("Where the time goes: %s, batch %d, %s (%d traced "
        + "steps; ops' own run times summed per type, %.1f ms per step over both cores against a %.1f ms median "
        + "step)%n%n| op type | ops per step | ms per step | share |%n|---|---:|---:|---:|%n", m.spec(), m.batch(),
        step, p.steps(), p.opMsPerStep(), medianMs));
    for (OpProfile.OpTime op : p.ops()) {
      table.append(format("| %s | %d | %.1f | %s |%n", op.type(), op.count(), op.msPerStep(), percent(op.share())));
    }
    return table.toString();
  }

  /** Each step's operations, rate, share of the MatMul peak and CPU utilisation. */
  static String workTable(StepTimes.Report report) {
    StringBuilder table = new StringBuilder(
        "| spec | batch | train step GFLOP | GFLOP/s | of peak | CPU | inference GFLOP | GFLOP/s | of peak | CPU "
            + "| meta step GFLOP | GFLOP/s | of peak | CPU |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StepTimes.Measurement m : report.measurements()) {
      table.append(format("| %s | %d | %s | %s | %s |%n", m.spec(), m.batch(), work(m.trainStepWork()),
          work(m.inferenceWork()), work(m.metaStepWork())));
    }
    return table.toString();
  }

  /** The trainer's iteration against the bare run of its step. */
  static String iterationTable(StepTimes.Report report) {
    StringBuilder table = new StringBuilder(
        "| spec | batch | bare session.run (median ms) | iteration, inline inputs (median ms) | iteration, queued "
            + "inputs (median ms) | inline / bare | queued / bare | CPU bare / inline / queued |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StepTimes.Measurement m : report.measurements()) {
      StepTimes.Iteration it = m.iteration();
      table.append(format("| %s | %d | %.1f | %.1f | %.1f | %.2f | %.2f | %s / %s / %s |%n", m.spec(), m.batch(),
          it.bare().medianMs(), it.inline().medianMs(), it.queued().medianMs(), it.inlineToBare(), it.queuedToBare(),
          percent(it.bare().cpuUtilisation()), percent(it.inline().cpuUtilisation()),
          percent(it.queued().cpuUtilisation())));
    }
    return table.toString();
  }

  /** One member, the fused ensemble, the members one after another and the SavedModel, per batch. */
  static String inferenceTable(InferenceTimes.Section inference) {
    int m = inference.members();
    StringBuilder table = new StringBuilder(format(
        "| spec | batch | one member (median ms) | fused %d in one call (median ms) | %d members in turn (median ms) "
            + "| SavedModel, fused (median ms) | fused / in turn | SavedModel / fused | fused GFLOP/s | of peak "
            + "| CPU one / fused / in turn / SavedModel |%n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n", m, m));
    for (InferenceTimes.Measurement r : inference.measurements()) {
      table.append(format("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %s | %s / %s / %s / %s |%n",
          r.spec(), r.batch(), r.member().medianMs(), r.fused().medianMs(), r.sequential().medianMs(),
          r.savedModel().medianMs(), r.fusedToSequential(), r.savedModelToFused(), r.fused().gflops(),
          share(r.fused().peakFraction()), percent(r.member().cpuUtilisation()),
          percent(r.fused().cpuUtilisation()), percent(r.sequential().cpuUtilisation()),
          percent(r.savedModel().cpuUtilisation())));
    }
    return table.toString();
  }

  private static String work(TimedWork w) {
    return format("%.3f | %.1f | %s | %s", w.gflop(), w.gflops(), share(w.peakFraction()),
        percent(w.cpuUtilisation()));
  }

  /** A share of the peak: one decimal, since small networks reach well under 1%. */
  private static String share(double fraction) {
    return Double.isFinite(fraction) ? format("%.1f%%", 100 * fraction) : "-";
  }

  private static String percent(double fraction) {
    return Double.isFinite(fraction) ? format("%.0f%%", 100 * fraction) : "-";
  }

  /** Bytes as GB (10^9), or "unknown" where the system does not report them. */
  static String bytes(Long bytes) {
    return bytes == null || bytes < 0 ? "unknown" : format("%.2f GB", bytes / 1e9);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
