/**
 * Agreement between annotations: Cohen's kappa and Jaccard per pair of masks, per image and per dataset. Used to
 * describe a dataset, to calibrate the annotator simulator and by the "less is more" baseline. Depends on
 * {@code org.dlema.data} only.
 */
package org.dlema.data.agreement;
