package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class EventFileWriterTest {
  @TempDir Path dir;

  @Test
  void maskedCrcUsesTheStandardCrc32c() {
    // CRC-32C of "123456789" is the standard check value 0xE3069283; TFRecord masks it by rotating right 15 bits
    // and adding 0xa282ead8.
    int crc = 0xE3069283;
    int expected = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertThat(EventFileWriter.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(expected);
  }

  /** Reads TFRecord framing back, checking both CRCs of every record. */
  static List<Event> read(Path file) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] length = new byte[8];
      in.get(length);
      assertThat(in.getInt()).isEqualTo(EventFileWriter.maskedCrc(length));
      byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
      in.get(data);
      assertThat(in.getInt()).isEqualTo(EventFileWriter.maskedCrc(data));
      events.add(Event.parseFrom(data));
    }
    return events;
  }

  @Test
  void writesReadableTensorBoardEvents() throws Exception {
    Path file;
    try (EventFileWriter writer = new EventFileWriter(dir)) {
      writer.scalar("loss", 10, 0.25);
      writer.image("sample", 10, new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB));
      file = writer.file();
    }
    assertThat(file.getFileName().toString()).startsWith("events.out.tfevents.");
    List<Event> events = read(file);
    assertThat(events).hasSize(3);
    assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
    assertThat(events.get(1).getStep()).isEqualTo(10);
    assertThat(events.get(1).getSummary().getValue(0).getTag()).isEqualTo("loss");
    assertThat(events.get(1).getSummary().getValue(0).getSimpleValue()).isEqualTo(0.25f);
    var image = events.get(2).getSummary().getValue(0).getImage();
    assertThat(image.getWidth()).isEqualTo(4);
    assertThat(image.getHeight()).isEqualTo(3);
    byte[] png = image.getEncodedImageString().toByteArray();
    assertThat(Arrays.copyOf(png, 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
  }
}
