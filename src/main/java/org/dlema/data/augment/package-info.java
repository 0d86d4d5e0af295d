/**
 * Data augmentation of training batches: one random geometric transform (flips, quarter turns, zoom, shift) applied
 * identically to an image and all of its annotation masks, then photometric changes (brightness, contrast, hue) of the
 * image alone. Every transform is a pure function of its inputs and of a random stream that the caller seeds from
 * (seed, step, position in the batch), so a resumed run sees bit-identical batches.
 */
package org.dlema.data.augment;
