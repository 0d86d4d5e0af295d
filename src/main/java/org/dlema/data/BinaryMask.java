package org.dlema.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/** A foreground/background mask, row-major. Mutable so that geometry code can build masks in place. */
public final class BinaryMask {
  private final int width;
  private final int height;
  private final boolean[] bits;

  public BinaryMask(int width, int height) {
    this(width, height, new boolean[width * height]);
  }

  public BinaryMask(int width, int height, boolean[] bits) {
    checkArgument(width > 0 && height > 0, "mask size must be positive: %sx%s", width, height);
    checkArgument(bits.length == width * height, "expected %s pixels, got %s", width * height, bits.length);
    this.width = width;
    this.height = height;
    this.bits = bits;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int size() {
    return bits.length;
  }

  public boolean get(int x, int y) {
    return bits[y * width + x];
  }

  public boolean get(int index) {
    return bits[index];
  }

  public void set(int x, int y, boolean value) {
    bits[y * width + x] = value;
  }

  public void set(int index, boolean value) {
    bits[index] = value;
  }

  public int foregroundCount() {
    int n = 0;
    for (boolean b : bits) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  public boolean isEmpty() {
    return foregroundCount() == 0;
  }

  public boolean isFull() {
    return foregroundCount() == bits.length;
  }

  public boolean sameSizeAs(BinaryMask other) {
    return width == other.width && height == other.height;
  }

  public BinaryMask copy() {
    return new BinaryMask(width, height, bits.clone());
  }

  /** The mask of a 0/1 map, row by row (values of at least 0.5 are foreground). */
  public static BinaryMask ofFloats(float[] values, int width, int height) {
    boolean[] bits = new boolean[values.length];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = values[i] >= 0.5f;
    }
    return new BinaryMask(width, height, bits);
  }

  /** One value per pixel, row by row: 1 for foreground, 0 for background. */
  public float[] toFloats() {
    float[] values = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      values[i] = bits[i] ? 1f : 0f;
    }
    return values;
  }

  /** A copy of the pixels, row by row. */
  public boolean[] toBooleans() {
    return bits.clone();
  }

  /** 8-bit grey image, 255 = foreground. */
  public BufferedImage toBufferedImage() {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] grey = new byte[bits.length];
    for (int i = 0; i < bits.length; i++) {
      grey[i] = bits[i] ? (byte) 255 : 0;
    }
    out.getRaster().setDataElements(0, 0, width, height, grey);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryMask m && m.width == width && m.height == height && Arrays.equals(m.bits, bits);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(bits);
  }
}
