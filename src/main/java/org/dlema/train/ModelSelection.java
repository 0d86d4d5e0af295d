package org.dlema.train;

import java.io.IOException;

/**
 * Model selection on validation Jaccard (paper 3.1): the best score and step so far, the last scores, and the
 * checkpoints that record them. {@code best} is saved whenever validation improves; {@code latest} and
 * {@code final} carry the selection state so that a resumed run keeps choosing exactly as an uninterrupted one.
 */
final class ModelSelection {
  private final Checkpoints checkpoints;
  private final SelectOn selectOn;
  private double best = Double.NEGATIVE_INFINITY;
  private long bestStep;
  private double lastJaccard = Double.NaN;
  private double lastReference = Double.NaN;

  ModelSelection(Checkpoints checkpoints, SelectOn selectOn) {
    this.checkpoints = checkpoints;
    this.selectOn = selectOn;
  }

  /** Restores the method's variables and the selection state from {@code latest}; returns the step reached. */
  long resume(TrainingMethod<?> method) throws IOException {
    Checkpoints.State state = checkpoints.state(CheckpointKind.LATEST).orElseThrow(() -> new IOException(
        checkpoints.folder(CheckpointKind.LATEST) + " is missing: no checkpoint to resume from"));
    method.restore(checkpoints.folder(CheckpointKind.LATEST));
    best = state.best();
    bestStep = state.bestStep();
    lastJaccard = state.validationJaccard() == null ? Double.NaN : state.validationJaccard();
    return state.step();
  }

  /** Records the validation of step {@code step}; saves {@code best} and returns true when it improved. */
  boolean offer(long step, Validation.Score score, TrainingMethod<?> method) throws IOException {
    lastJaccard = score.jaccard();
    lastReference = score.referenceJaccard();
    double selected = selectOn.score(score);
    if (selected <= best) {
      return false;
    }
    best = selected;
    bestStep = step;
    checkpoints.save(CheckpointKind.BEST, method.session(), Checkpoints.State.of(step, lastJaccard, best, bestStep));
    return true;
  }

  /** Saves {@code latest} (or {@code final}) at {@code step}, with the method's extras for {@code latest}. */
  void save(CheckpointKind kind, long step, TrainingMethod<?> method) throws IOException {
    checkpoints.save(kind, method.session(), Checkpoints.State.of(step, lastJaccard, best, bestStep));
  }

  Trainer.Outcome outcome(long steps, boolean diverged, double medianStepSeconds) {
    return new Trainer.Outcome(steps, best, bestStep, lastJaccard, lastReference, diverged, medianStepSeconds);
  }

  Checkpoints checkpoints() {
    return checkpoints;
  }
}
