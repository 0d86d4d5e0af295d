package org.dlema.data;

import java.util.ArrayList;
import java.util.List;

/** An image and its masks decoded into pixels, all of one size. */
public record LoadedImage(AnnotatedImage entry, RgbImage image, List<BinaryMask> masks) {
  public LoadedImage {
    masks = List.copyOf(masks);
  }

  /** Decodes an entry, throwing on the first problem (for jobs that run on an already validated dataset). */
  public static LoadedImage load(AnnotatedImage entry) {
    ValidationReport report = new ValidationReport();
    LoadedImage loaded = load(entry, report);
    report.throwIfErrors();
    return loaded;
  }

  /** Decodes an entry, recording problems and repairs; returns null when the entry has an error. */
  public static LoadedImage load(AnnotatedImage entry, ValidationReport report) {
    RgbImage image;
    try {
      ImageFiles.DecodedImage decoded = ImageFiles.readRgb(entry.image());
      image = decoded.image();
      switch (decoded.source()) {
        case GREY -> report.count(ValidationReport.GREY_CONVERTED, 1);
        case RGBA -> report.count(ValidationReport.RGBA_CONVERTED, 1);
        case RGB -> { }
      }
    } catch (DatasetException e) {
      report.error(e.file(), messageOf(e));
      return null;
    }
    boolean ok = true;
    List<BinaryMask> masks = new ArrayList<>();
    for (Annotation annotation : entry.annotations()) {
      ImageFiles.DecodedMask decoded;
      try {
        decoded = ImageFiles.readMask(annotation.file());
      } catch (DatasetException e) {
        report.error(e.file(), messageOf(e));
        ok = false;
        continue;
      }
      BinaryMask mask = decoded.mask();
      if (mask.width() != image.width() || mask.height() != image.height()) {
        report.error(annotation.file(), "mask is " + mask.width() + "x" + mask.height() + " but its image "
            + entry.image().getFileName() + " is " + image.width() + "x" + image.height());
        ok = false;
        continue;
      }
      if (decoded.fromAlpha()) {
        report.warning(annotation.file(), "colour channels are all black; the mask was read from the alpha "
            + "channel (opaque = lesion)");
      }
      if (decoded.nonBinaryPixels() > 0) {
        report.count(ValidationReport.MASKS_NON_BINARY, 1);
        report.count(ValidationReport.NON_BINARY_PIXELS, decoded.nonBinaryPixels());
      }
      if (mask.isEmpty()) {
        report.warning(annotation.file(), "mask is empty (no foreground pixel)");
        report.count(ValidationReport.MASKS_EMPTY, 1);
      } else if (mask.isFull()) {
        report.warning(annotation.file(), "mask is full (every pixel is foreground)");
        report.count(ValidationReport.MASKS_FULL, 1);
      }
      masks.add(mask);
    }
    return ok ? new LoadedImage(entry, image, masks) : null;
  }

  private static String messageOf(DatasetException e) {
    String prefix = e.file() + ": ";
    return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
  }
}
