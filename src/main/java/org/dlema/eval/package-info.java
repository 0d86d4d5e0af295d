/**
 * Evaluation and pictures of results. Today: heat maps, masks and overlays of predicted maps; the metrics and
 * paper-style tables are planned. Depends on {@code org.dlema.data}.
 */
package org.dlema.eval;
