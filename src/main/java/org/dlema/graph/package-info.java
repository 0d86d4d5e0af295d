/**
 * Graph building on TensorFlow Java: the spec-driven LinkNet with its two output maps (paper eq. 5), hand-written
 * batch norm with training and inference modes, He initialisation from stateless seeded ops, the aleatoric loss map,
 * the second-order gradients the meta step needs, the fused ensemble of paper eq. 4 with its three rules, and the
 * serving graph of the export contract; the options every session gets, and whether TensorFlow's oneDNN kernels run.
 * Depends on TensorFlow and {@code org.dlema.io} only.
 */
package org.dlema.graph;
