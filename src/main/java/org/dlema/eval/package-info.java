/**
 * Evaluation and pictures of results: per-image Jaccard, Dice, NLL (eq. 6) and Brier (eq. 7), means with standard
 * errors, pixel-level calibration and reliability diagrams, models scored over test sets with the paper-style tables;
 * heat maps, masks, overlays, charts and the weight-map panel. Depends on {@code org.dlema.data} and
 * {@code org.dlema.io}.
 */
package org.dlema.eval;
