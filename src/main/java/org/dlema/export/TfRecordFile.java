package org.dlema.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's TFRecord container: per record, its length (uint64, little-endian), the masked CRC-32C of those 8
 * bytes, the data, and the masked CRC-32C of the data. Masking rotates the CRC right by 15 bits and adds a constant,
 * so that a CRC over data that itself holds CRCs stays meaningful.
 */
public final class TfRecordFile {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecordFile() {}

  /** The masked CRC-32C of {@code length} bytes of {@code data} from {@code offset}. */
  static int maskedCrc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }

  /** The records as one file's bytes. */
  public static byte[] encode(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] record : records) {
      byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(record.length).array();
      out.writeBytes(length);
      out.writeBytes(littleEndian(maskedCrc(length, 0, 8)));
      out.writeBytes(record);
      out.writeBytes(littleEndian(maskedCrc(record, 0, record.length)));
    }
    return out.toByteArray();
  }

  /** Reads every record, checking both CRCs; a damaged or truncated file is an error naming it. */
  public static List<byte[]> read(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    while (in.hasRemaining()) {
      if (in.remaining() < 12) {
        throw damaged(file, records.size(), "truncated header");
      }
      byte[] length = new byte[8];
      in.get(length);
      if (in.getInt() != maskedCrc(length, 0, 8)) {
        throw damaged(file, records.size(), "length checksum mismatch");
      }
      long n = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n < 0 || n > in.remaining() - 4) {
        throw damaged(file, records.size(), "truncated data");
      }
      byte[] record = new byte[(int) n];
      in.get(record);
      if (in.getInt() != maskedCrc(record, 0, record.length)) {
        throw damaged(file, records.size(), "data checksum mismatch");
      }
      records.add(record);
    }
    return records;
  }

  private static IOException damaged(Path file, int record, String problem) {
    return new IOException(file + " is damaged: record " + (record + 1) + ": " + problem);
  }

  private static byte[] littleEndian(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }
}
