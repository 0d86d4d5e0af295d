/**
 * Describing a dataset: one pass that validates every file and gathers the figures {@code dlema data inspect}
 * prints. Depends on {@code org.dlema.data} and its sub-packages.
 */
package org.dlema.data.inspect;
