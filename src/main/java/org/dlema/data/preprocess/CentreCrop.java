package org.dlema.data.preprocess;

import org.dlema.data.BinaryMask;
import org.dlema.data.RgbImage;

/**
 * The central {@code size x size} pixels of an image and of its masks, at their own resolution: for data whose
 * objects sit at the centre of each picture, a crop raises the objects' share of the pixels without shrinking them.
 * An odd margin leaves its extra pixel on the right and at the bottom.
 */
public record CentreCrop(int x0, int y0, int size) {
  /** The crop of a {@code width x height} picture; the picture must be at least {@code size} on both sides. */
  public static CentreCrop of(int width, int height, int size) {
    if (width < size || height < size) {
      throw new IllegalArgumentException("is " + width + "x" + height + ", smaller than the " + size + "x" + size
          + " crop");
    }
    return new CentreCrop((width - size) / 2, (height - size) / 2, size);
  }

  public RgbImage image(RgbImage image) {
    RgbImage cut = RgbImage.blank(size, size);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int c = 0; c < 3; c++) {
          cut.set(x, y, c, image.get(x0 + x, y0 + y, c));
        }
      }
    }
    return cut;
  }

  public BinaryMask mask(BinaryMask mask) {
    BinaryMask cut = new BinaryMask(size, size);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        cut.set(x, y, mask.get(x0 + x, y0 + y));
      }
    }
    return cut;
  }
}
