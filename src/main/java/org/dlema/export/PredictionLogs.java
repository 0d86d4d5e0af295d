package org.dlema.export;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.TensorProto;

/**
 * TF Serving's {@code PredictionLog} holding a {@code PredictLog} with its {@code PredictRequest}, written and read
 * by hand (TensorFlow Java ships the framework's messages, such as {@code TensorProto}, but not TF Serving's). Only
 * the fields a warm-up request uses are known; others are skipped when reading. Field numbers, from
 * tensorflow_serving/apis: PredictionLog.predict_log = 6; PredictLog.request = 1; PredictRequest.model_spec = 1,
 * inputs = 2 (a map: entries with key = 1, value = 2); ModelSpec.name = 1, signature_name = 3.
 */
public final class PredictionLogs {
  static final int PREDICTION_LOG_PREDICT_LOG = 6;
  static final int PREDICT_LOG_REQUEST = 1;
  static final int REQUEST_MODEL_SPEC = 1;
  static final int REQUEST_INPUTS = 2;
  static final int MAP_KEY = 1;
  static final int MAP_VALUE = 2;
  static final int MODEL_SPEC_NAME = 1;
  static final int MODEL_SPEC_SIGNATURE_NAME = 3;

  /** One predict request: the model and signature it names and its input tensors by alias. */
  public record PredictRequest(String model, String signature, Map<String, TensorProto> inputs) {}

  private PredictionLogs() {}

  /** A serialised PredictionLog whose predict log holds {@code request}. */
  public static byte[] encode(PredictRequest request) {
    ByteArrayOutputStream spec = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      CodedOutputStream s = CodedOutputStream.newInstance(spec);
      s.writeString(MODEL_SPEC_NAME, request.model());
      s.writeString(MODEL_SPEC_SIGNATURE_NAME, request.signature());
      s.flush();
      CodedOutputStream r = CodedOutputStream.newInstance(body);
      r.writeBytes(REQUEST_MODEL_SPEC, ByteString.copyFrom(spec.toByteArray()));
      for (var input : request.inputs().entrySet()) {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        e.writeString(MAP_KEY, input.getKey());
        e.writeBytes(MAP_VALUE, input.getValue().toByteString());
        e.flush();
        r.writeBytes(REQUEST_INPUTS, ByteString.copyFrom(entry.toByteArray()));
      }
      r.flush();
      return wrap(PREDICTION_LOG_PREDICT_LOG, wrap(PREDICT_LOG_REQUEST, body.toByteArray()));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
  }

  /** The request inside a serialised PredictionLog; an error when it holds no predict log. */
  public static PredictRequest decode(byte[] log) throws IOException {
    byte[] predictLog = field(log, PREDICTION_LOG_PREDICT_LOG);
    if (predictLog == null) {
      throw new IOException("the PredictionLog holds no predict_log");
    }
    byte[] request = field(predictLog, PREDICT_LOG_REQUEST);
    if (request == null) {
      throw new IOException("the PredictLog holds no request");
    }
    String model = "";
    String signature = "";
    Map<String, TensorProto> inputs = new LinkedHashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(request);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int number = WireFormat.getTagFieldNumber(tag);
      if (number == REQUEST_MODEL_SPEC && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        CodedInputStream spec = CodedInputStream.newInstance(in.readByteArray());
        for (int t = spec.readTag(); t != 0; t = spec.readTag()) {
          switch (WireFormat.getTagFieldNumber(t)) {
            case MODEL_SPEC_NAME -> model = spec.readString();
            case MODEL_SPEC_SIGNATURE_NAME -> signature = spec.readString();
            default -> spec.skipField(t);
          }
        }
      } else if (number == REQUEST_INPUTS
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        CodedInputStream entry = CodedInputStream.newInstance(in.readByteArray());
        String key = "";
        TensorProto value = TensorProto.getDefaultInstance();
        for (int t = entry.readTag(); t != 0; t = entry.readTag()) {
          switch (WireFormat.getTagFieldNumber(t)) {
            case MAP_KEY -> key = entry.readString();
            case MAP_VALUE -> value = TensorProto.parseFrom(entry.readByteArray());
            default -> entry.skipField(t);
          }
        }
        inputs.put(key, value);
      } else {
        in.skipField(tag);
      }
    }
    return new PredictRequest(model, signature, inputs);
  }

  private static byte[] wrap(int field, byte[] message) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeBytes(field, ByteString.copyFrom(message));
    o.flush();
    return out.toByteArray();
  }

  /** The last occurrence of a length-delimited field, or null. */
  private static byte[] field(byte[] message, int number) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    byte[] found = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == number
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        found = in.readByteArray();
      } else {
        in.skipField(tag);
      }
    }
    return found;
  }
}
