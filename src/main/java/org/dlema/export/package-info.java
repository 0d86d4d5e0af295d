/**
 * SavedModels in TF Serving's layout: one network ({@link org.dlema.export.ModelExporter}), or a D-LEMA ensemble as
 * its members plus one fused model with a signature per fusion rule ({@link org.dlema.export.EnsembleExporter}); the
 * temperature that calibrates each network's probability ({@link org.dlema.export.Calibrations}) and the fused
 * ensemble's own per rule ({@link org.dlema.export.FusedCalibration}); the model card,
 * {@code models.config}, inspection of an export without loading it, and loading one the way TF Serving does; TF
 * Serving's warm-up requests ({@link org.dlema.export.Warmup}: TFRecord framing and PredictionLog messages written
 * by hand) and REST request bodies ({@link org.dlema.export.RestRequest}).
 * Depends on {@code org.dlema.train} (run folders, checkpoints), {@code org.dlema.graph}, {@code org.dlema.data},
 * {@code org.dlema.eval} (temperature scaling) and {@code org.dlema.io}.
 */
package org.dlema.export;
