/**
 * Multi-annotator segmentation datasets (paper 2.1: image X_n with M_n masks): the dataset model, the folder and
 * manifest readers, strict decoding and validation that names the offending file, and the report of problems and
 * repairs. Sub-packages add agreement statistics, splitting and partitioning, preprocessing, inspection and the
 * synthetic data. Depends on {@code org.dlema.io} only.
 */
package org.dlema.data;
