/**
 * The paper's experimental section as one resumable job: every method trained with one {@link
 * org.dlema.experiment.Budget}, exported, evaluated on the test sets and written up in {@code report.md}, its steps
 * cut to a time on this machine when asked ({@link org.dlema.experiment.TimeFit}), and finished experiments compared
 * side by side ({@link org.dlema.experiment.ExperimentComparison}). The command line only parses options into an
 * {@link org.dlema.experiment.Experiment} and prints what it returns.
 */
package org.dlema.experiment;
