package org.dlema.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.dlema.data.preprocess.Normalization;
import org.dlema.io.Progress;

/**
 * The training loop of every method, a single network's or an ensemble member's. Its parts: a {@link BatchQueue}
 * that makes the next steps' inputs in the background, the {@link TrainingSettings#learningRate(long) schedule},
 * a {@link MetricsWindow} of the figures since the last log line, {@link Validation} with {@link ModelSelection}
 * (the {@code best} checkpoint), the {@code latest} and {@code final} checkpoints, and the {@link TrainingLog}.
 * Inputs, learning rates and Monte Carlo noise are pure functions of (seed, step) and every update waits behind the
 * gradient barrier, so a run resumed from its latest checkpoint ends bit-identical to an uninterrupted one.
 */
public final class Trainer {
  /** How a run ended. */
  public record Outcome(long steps, double bestJaccard, long bestStep, double lastJaccard,
      double lastReferenceJaccard, boolean diverged, double medianStepSeconds) {
    /** Throws when the training of {@code run} diverged (it has no final weights). */
    public void requireFinished(Path run) throws IOException {
      if (diverged) {
        throw new IOException(run + ": training diverged after " + steps + " steps (a lower learning rate or "
            + "another seed may train)");
      }
    }
  }

  /** Builds the method's graph; called once per training (the graph lives only as long as the loop). */
  interface MethodFactory {
    TrainingMethod<?> create();
  }

  private final String name;
  private final Path run;
  private final MethodFactory methods;
  private final long validationSeed;
  private final TrainingSettings settings;
  private final PreparedSet validation;
  private final Normalization normalization;
  private final PrintStream log;

  /** @param validationSeed draws each validation image's target annotation (shared by an ensemble's members) */
  Trainer(Path run, MethodFactory methods, TrainingSettings settings, long validationSeed, PreparedSet validation,
      Normalization normalization, PrintStream log) {
    this(null, run, methods, settings, validationSeed, validation, normalization, log);
  }

  /** @param name what the log lines start with when several trainers share a log (null: nothing) */
  Trainer(String name, Path run, MethodFactory methods, TrainingSettings settings, long validationSeed,
      PreparedSet validation, Normalization normalization, PrintStream log) {
    this.name = name;
    this.run = run;
    this.methods = methods;
    this.validationSeed = validationSeed;
    this.settings = settings;
    this.validation = validation;
    this.normalization = normalization;
    this.log = log;
  }

  /** Trains to {@code settings.steps()}, from the latest checkpoint when {@code resume} is set. */
  public Outcome train(boolean resume) throws IOException {
    try (TrainingMethod<?> method = methods.create()) {
      return loop(method, resume);
    }
  }

  private <I> Outcome loop(TrainingMethod<I> method, boolean resume) throws IOException {
    ModelSelection selection = new ModelSelection(RunFolder.of(run).checkpoints(), settings.selectOn());
    long start = resume ? selection.resume(method) : 0;
    if (resume) {
      log.println(prefix() + "resuming at step " + start + " of " + settings.steps());
    } else {
      method.initialize();
    }
    long end = settings.steps();
    Validation validator = new Validation(validation, validationSeed);
    StepClock clock = new StepClock(end - start);
    MetricsWindow logged = new MetricsWindow();
    MetricsWindow sinceValidation = new MetricsWindow();
    Progress progress = Progress.on(log, name == null ? "training" : "training " + name, end - start);
    try (TrainingLog logs = new TrainingLog(run, start, resume, log);
        BatchQueue<I> batches = new BatchQueue<>(method::inputs, start, end)) {
      for (long step = start; step < end; step++) {
        I inputs = batches.take(step);
        float rate = (float) settings.learningRate(step);
        long begin = System.nanoTime();
        TrainingMethod.StepResult result = method.step(step, inputs, rate);
        clock.stop(begin);
        long done = step + 1;
        if (!Float.isFinite(result.loss())) {
          progress.line(log, prefix() + "training diverged at step " + done + " (loss " + result.loss()
              + "); the last good checkpoint is kept in " + selection.checkpoints().folder(CheckpointKind.LATEST));
          return selection.outcome(step, true, clock.median());
        }
        logged.add(result, rate);
        sinceValidation.add(result, rate);
        progress.step();
        if (done % Math.min(50, settings.validateEvery()) == 0 || done == end) {
          logs.scalars(done, logged.drain());
        }
        if (done % settings.validateEvery() == 0 || done == end) {
          validate(method, validator, selection, done, sinceValidation, logs, progress);
        }
        if (done % settings.checkpointEvery() == 0 || done == end) {
          selection.save(CheckpointKind.LATEST, done, method);
          method.saveExtras(run);
        }
      }
    } finally {
      // However the loop ends: a bar left behind would stay on the line that members side by side share.
      progress.done();
    }
    selection.save(CheckpointKind.FINAL, end, method);
    return selection.outcome(end, false, clock.median());
  }

  private String prefix() {
    return name == null ? "" : name + ": ";
  }

  /** Scores the validation images, keeps {@code best}, logs and prints one line. */
  private void validate(TrainingMethod<?> method, Validation validator, ModelSelection selection, long done,
      MetricsWindow window, TrainingLog logs, Progress progress) throws IOException {
    Validation.Score score = validator.score(method::predict);
    boolean improved = selection.offer(done, score, method);
    logs.validation(done, score, validation.hasReferences(), TrainingLog.samplePanel(validation,
        validator.chosenAnnotation(0), normalization, score.firstProbability()));
    String line = prefix() + String.format("step %d/%d: mean loss %.4f, validation Jaccard %.2f%%", done,
        settings.steps(), window.meanLoss(), 100 * score.jaccard());
    window.reset();
    if (validation.hasReferences()) {
      line += String.format(" (%.2f%% against the reference masks, %.2f%% pooled)", 100 * score.referenceJaccard(),
          100 * score.pooledReferenceJaccard());
    }
    progress.line(log, improved ? line + ", new best" : line);
  }
}
