/**
 * Data the project makes itself: the procedural dermoscopy-like lesion generator, the annotator simulator (the three
 * ISIC annotation pipelines of paper 3.1, calibrated to the mean pairwise kappa of 0.67 the paper cites) and the
 * writer of simulated multi-annotator datasets. Depends on {@code org.dlema.data}, its agreement package and
 * {@code org.dlema.io}.
 */
package org.dlema.data.synth;
