package org.dlema.data.synth;

/**
 * One simulated annotator's persistent habits. Lengths marked "r" are fractions of the lesion's equivalent radius,
 * so that the same annotator disagrees by the same relative amount on small and large lesions.
 *
 * @param bias mean border displacement (r; positive = generous, negative = tight)
 * @param imageBiasSd how much that displacement varies from image to image (r)
 * @param wobble amplitude of a smooth displacement that varies along the border (r)
 * @param jaggedPixels amplitude of pixel-scale border noise (pixels)
 * @param smoothing Gaussian smoothing of the drawn outline (r)
 * @param vertices polygon vertex count for {@link AnnotationStyle#MANUAL_POLYGON}, 0 otherwise
 */
public record AnnotatorProfile(String name, AnnotationStyle style, double bias, double imageBiasSd, double wobble,
    double jaggedPixels, double smoothing, int vertices) {}
