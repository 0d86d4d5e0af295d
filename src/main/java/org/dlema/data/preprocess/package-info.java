/**
 * Turning decoded images and masks into network inputs: resizing (area when shrinking, bilinear when enlarging;
 * masks by area fraction then {@code >= 0.5}), the centre crop ({@code data crop}) and per-channel normalisation
 * statistics of the training images.
 */
package org.dlema.data.preprocess;
