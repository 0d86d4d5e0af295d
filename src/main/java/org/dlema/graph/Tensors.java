package org.dlema.graph;

import static com.google.common.base.Preconditions.checkArgument;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Copies between Java float arrays and tensors (row-major, the layout of every array in the project). */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 of(float[] values, Shape shape) {
    checkArgument(shape.size() == values.length, "%s values for shape %s", values.length, shape);
    return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
  }

  public static float[] toArray(TFloat32 tensor) {
    float[] out = new float[(int) tensor.size()];
    tensor.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
