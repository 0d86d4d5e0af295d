/**
 * How a dataset is divided for training: the seeded train/validation split of images and the non-contradictory
 * partition of paper section 2.2 (annotations split into M disjoint subsets, at most one per image in each). Both
 * are saved with the run. Depends on {@code org.dlema.data} and {@code org.dlema.io}.
 */
package org.dlema.data.partition;
