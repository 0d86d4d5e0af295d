package org.dlema.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;

/**
 * The same graph in float64: a graph definition pruned to what some outputs need, with every float32 type and
 * constant turned into float64 and every variable into a float64 placeholder (fed with the variable's value);
 * stateless random draws stay float32 and are widened, so that both graphs see the same noise. It
 * is the finite-difference oracle's instrument: the very ops of the float32 graph, without float32 round-off, so
 * that a small step stays clear of round-off and of ReLU and max-pool kinks at once.
 */
final class Float64Replica {
  private Float64Replica() {}

  /** @return the float64 graph holding the ancestors of {@code outputs} (op names) */
  static Graph of(GraphDef definition, List<String> outputs) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef node : definition.getNodeList()) {
      byName.put(node.getName(), node);
    }
    Set<String> keep = new HashSet<>();
    Deque<String> pending = new ArrayDeque<>(outputs);
    while (!pending.isEmpty()) {
      String name = pending.pop();
      if (!keep.add(name)) {
        continue;
      }
      NodeDef node = byName.get(name);
      if (node == null) {
        throw new IllegalArgumentException("no node " + name);
      }
      for (String input : node.getInputList()) {
        String source = input.startsWith("^") ? input.substring(1) : input;
        int colon = source.indexOf(':');
        pending.push(colon < 0 ? source : source.substring(0, colon));
      }
    }
    GraphDef.Builder out = definition.toBuilder().clearNode();
    for (NodeDef node : definition.getNodeList()) {
      if (!keep.contains(node.getName())) {
        continue;
      }
      if (node.getOp().startsWith("Stateless")) {
        // Random draws stay float32 (a float64 generator draws other numbers) and are widened after.
        String drawn = node.getName() + "/float32";
        out.addNode(node.toBuilder().setName(drawn).build());
        out.addNode(NodeDef.newBuilder().setName(node.getName()).setOp("Cast").addInput(drawn)
            .putAttr("SrcT", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
            .putAttr("DstT", AttrValue.newBuilder().setType(DataType.DT_DOUBLE).build()).build());
      } else {
        out.addNode(convert(node));
      }
    }
    Graph graph = new Graph();
    graph.importGraphDef(out.build());
    return graph;
  }

  private static NodeDef convert(NodeDef node) {
    if (node.getOp().equals("VariableV2")) {
      return NodeDef.newBuilder().setName(node.getName()).setOp("Placeholder")
          .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_DOUBLE).build())
          .putAttr("shape", node.getAttrOrThrow("shape")).build();
    }
    NodeDef.Builder b = node.toBuilder();
    for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
      AttrValue value = attr.getValue();
      if (value.hasType() && value.getType() == DataType.DT_FLOAT) {
        b.putAttr(attr.getKey(), value.toBuilder().setType(DataType.DT_DOUBLE).build());
      } else if (value.hasTensor() && value.getTensor().getDtype() == DataType.DT_FLOAT) {
        b.putAttr(attr.getKey(), value.toBuilder().setTensor(toDouble(value.getTensor())).build());
      } else if (value.hasList() && value.getList().getTypeList().contains(DataType.DT_FLOAT)) {
        AttrValue.ListValue.Builder list = value.getList().toBuilder().clearType();
        for (DataType t : value.getList().getTypeList()) {
          list.addType(t == DataType.DT_FLOAT ? DataType.DT_DOUBLE : t);
        }
        b.putAttr(attr.getKey(), value.toBuilder().setList(list).build());
      }
    }
    return b.build();
  }

  private static TensorProto toDouble(TensorProto tensor) {
    TensorProto.Builder b = tensor.toBuilder().setDtype(DataType.DT_DOUBLE).clearFloatVal()
        .clearTensorContent();
    if (!tensor.getTensorContent().isEmpty()) {
      ByteBuffer in = tensor.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer outBytes = ByteBuffer.allocate(in.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
      while (in.remaining() >= 4) {
        outBytes.putDouble(in.getFloat());
      }
      outBytes.flip();
      b.setTensorContent(com.google.protobuf.ByteString.copyFrom(outBytes));
    } else {
      for (float v : tensor.getFloatValList()) {
        b.addDoubleVal(v);
      }
    }
    return b.build();
  }
}
