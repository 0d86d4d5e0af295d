package org.dlema.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.awt.image.BufferedImage;

/** An 8-bit RGB image held as interleaved bytes, row-major (height, width, channel). */
public final class RgbImage {
  private final int width;
  private final int height;
  private final byte[] rgb;

  public RgbImage(int width, int height, byte[] rgb) {
    checkArgument(width > 0 && height > 0, "image size must be positive: %sx%s", width, height);
    checkArgument(rgb.length == width * height * 3, "expected %s bytes, got %s", width * height * 3, rgb.length);
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  public static RgbImage blank(int width, int height) {
    return new RgbImage(width, height, new byte[width * height * 3]);
  }

  /** Copies any BufferedImage (grey, RGBA, indexed...) into RGB; alpha is dropped. */
  public static RgbImage of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return new RgbImage(w, h, rgb);
  }

  public BufferedImage toBufferedImage() {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] packed = new int[width * height];
    for (int i = 0; i < packed.length; i++) {
      packed[i] = (Byte.toUnsignedInt(rgb[3 * i]) << 16)
          | (Byte.toUnsignedInt(rgb[3 * i + 1]) << 8)
          | Byte.toUnsignedInt(rgb[3 * i + 2]);
    }
    out.setRGB(0, 0, width, height, packed, 0, width);
    return out;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Channel value 0..255 at (x, y), channel 0 = red. */
  public int get(int x, int y, int channel) {
    return Byte.toUnsignedInt(rgb[(y * width + x) * 3 + channel]);
  }

  public void set(int x, int y, int channel, int value) {
    rgb[(y * width + x) * 3 + channel] = (byte) Math.max(0, Math.min(255, value));
  }

  /** The backing array (not a copy): height * width * 3 unsigned bytes. */
  public byte[] data() {
    return rgb;
  }
}
