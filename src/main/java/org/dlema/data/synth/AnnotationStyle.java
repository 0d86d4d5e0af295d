package org.dlema.data.synth;

import java.util.Locale;

/** The three ISIC annotation pipelines (paper section 3.1). */
public enum AnnotationStyle {
  /** An automatic algorithm reviewed by an expert: tight, pixel-jagged border. */
  AUTOMATIC,
  /** A semi-automatic algorithm steered by an expert: smooth border, slight over- or under-segmentation. */
  SEMI_AUTOMATIC,
  /** A polygon drawn by hand: few vertices, usually generous. */
  MANUAL_POLYGON;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
