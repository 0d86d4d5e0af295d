package org.dlema.graph;

import static com.google.common.base.Preconditions.checkArgument;

import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Copies between Java arrays and tensors (row-major, the layout of every array in the project), and string tensors
 * of raw bytes.
 */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 of(float[] values, Shape shape) {
    checkArgument(shape.size() == values.length, "%s values for shape %s", values.length, shape);
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  /** A [n] string tensor holding each byte array as it is (e.g. encoded image files). */
  public static TString strings(byte[]... values) {
    return TString.tensorOfBytes(NdArrays.vectorOfObjects(values));
  }

  /** The bytes of element {@code i} of a string tensor of any shape, in row-major order. */
  public static byte[] bytes(TString tensor, long i) {
    return tensor.asBytes().streamOfObjects().skip(i).findFirst().orElseThrow(
        () -> new IllegalArgumentException("the string tensor has " + tensor.size() + " elements, not " + (i + 1)));
  }

  public static float[] toArray(TFloat32 tensor) {
    float[] out = new float[(int) tensor.size()];
    tensor.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
