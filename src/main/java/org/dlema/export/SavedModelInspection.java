package org.dlema.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dlema.io.DamagedFileException;
import org.dlema.io.JsonFiles;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * What a SavedModel offers, read from {@code saved_model.pb} alone (no session, no variables loaded): tags,
 * signatures with their method names and typed inputs and outputs, graph size, and the model card. The project's own
 * {@code saved_model_cli show --all}.
 */
public final class SavedModelInspection {
  private SavedModelInspection() {}

  /** The report as text. */
  public static String describe(Path versionFolder) throws IOException {
    SavedModel model = read(versionFolder);
    StringBuilder out = new StringBuilder();
    out.append("SavedModel ").append(versionFolder).append('\n');
    for (MetaGraphDef meta : model.getMetaGraphsList()) {
      out.append("\nMetaGraph with tags: ").append(String.join(", ", meta.getMetaInfoDef().getTagsList()))
          .append('\n');
      List<NodeDef> nodes = meta.getGraphDef().getNodeList();
      Map<String, Integer> byType = new TreeMap<>();
      for (NodeDef node : nodes) {
        byType.merge(node.getOp(), 1, Integer::sum);
      }
      long variables = nodes.stream().filter(n -> n.getOp().startsWith("Variable")).count();
      out.append(String.format(Locale.ROOT, "graph: %d ops of %d types, %d variables%n", nodes.size(),
          byType.size(), variables));
      for (String key : new TreeSet<>(meta.getSignatureDefMap().keySet())) {
        SignatureDef signature = meta.getSignatureDefMap().get(key);
        out.append("\nsignature '").append(key).append("' (method ").append(signature.getMethodName())
            .append(")\n  inputs:\n");
        tensors(out, signature.getInputsMap());
        out.append("  outputs:\n");
        tensors(out, signature.getOutputsMap());
      }
    }
    Path warmup = versionFolder.resolve(Warmup.FILE);
    out.append('\n');
    if (Files.isRegularFile(warmup)) {
      List<String> requests = new ArrayList<>();
      for (byte[] record : TfRecordFile.read(warmup)) {
        PredictionLogs.PredictRequest request = PredictionLogs.decode(record);
        requests.add(request.signature() + " (" + String.join(", ", request.inputs().keySet()) + ")");
      }
      out.append(Warmup.FILE).append(": ").append(requests.size()).append(" predict requests: ")
          .append(String.join("; ", requests)).append('\n');
    } else {
      out.append("no ").append(Warmup.FILE).append('\n');
    }
    Path card = versionFolder.resolve(ModelExporter.CARD);
    if (Files.isRegularFile(card)) {
      JsonFiles.read(card, ModelCard.class);
      out.append(ModelExporter.CARD).append(":\n").append(Files.readString(card).strip()).append('\n');
    } else {
      out.append("no ").append(ModelExporter.CARD).append('\n');
    }
    return out.toString();
  }

  /** The SavedModel of a version folder, read from {@code saved_model.pb} alone (no TensorFlow session). */
  public static SavedModel read(Path versionFolder) throws IOException {
    Path file = versionFolder.resolve("saved_model.pb");
    if (!Files.isRegularFile(file)) {
      throw new IOException(versionFolder + ": not a SavedModel folder (no saved_model.pb)");
    }
    SavedModel model;
    try (InputStream in = Files.newInputStream(file)) {
      model = SavedModel.parseFrom(in);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new DamagedFileException(file, "not a readable SavedModel: " + e.getMessage(), e);
    }
    // An empty or cut file can still parse as a SavedModel without graphs: nothing TF Serving could load.
    boolean serve = model.getMetaGraphsList().stream().anyMatch(meta -> meta.getMetaInfoDef().getTagsList()
        .contains(ModelExporter.SERVE) && meta.getGraphDef().getNodeCount() > 0);
    if (!serve) {
      throw new DamagedFileException(file, Files.size(file) + " bytes and no graph tagged '" + ModelExporter.SERVE
          + "'");
    }
    return model;
  }

  private static void tensors(StringBuilder out, Map<String, TensorInfo> tensors) {
    for (String name : new TreeSet<>(tensors.keySet())) {
      TensorInfo info = tensors.get(name);
      out.append(String.format(Locale.ROOT, "    %-22s %-8s %-18s (%s)%n", name, dtype(info.getDtype()),
          shape(info.getTensorShape()), info.getName()));
    }
  }

  /** TensorFlow's DT_FLOAT as the Python name float32. */
  static String dtype(DataType type) {
    return switch (type) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_INT32 -> "int32";
      case DT_INT64 -> "int64";
      case DT_STRING -> "string";
      case DT_BOOL -> "bool";
      default -> type.name().toLowerCase(Locale.ROOT).replaceFirst("^dt_", "");
    };
  }

  /** [-1, -1, -1, 3] with -1 for unknown dimensions; "unknown rank" when even the rank is unknown. */
  static String shape(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return "unknown rank";
    }
    List<String> dims = new ArrayList<>();
    for (TensorShapeProto.Dim dim : shape.getDimList()) {
      dims.add(Long.toString(dim.getSize()));
    }
    return "[" + String.join(", ", dims) + "]";
  }
}
