/**
 * Graph building on TensorFlow Java: the spec-driven LinkNet with its two output maps (paper eq. 5), hand-written
 * batch norm with training and inference modes, He initialisation from stateless seeded ops, and the aleatoric loss
 * map. Depends on TensorFlow and {@code org.dlema.io} only.
 */
package org.dlema.graph;
