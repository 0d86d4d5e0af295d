package org.dlema.train;

import com.google.common.hash.Hashing;
import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.imageio.ImageIO;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * Writes TensorBoard event files ({@code events.out.tfevents.*}) directly: TFRecord framing (length, masked CRC-32C
 * of the length, payload, masked CRC-32C of the payload) around {@code Event} protos. Written from Java rather than
 * by summary ops so that logging adds nothing to the training graph. Each record is flushed, so TensorBoard sees
 * progress live and a killed run loses nothing already logged.
 */
final class EventFileWriter implements Closeable {
  private final OutputStream out;
  private final Path file;

  EventFileWriter(Path folder) throws IOException {
    Files.createDirectories(folder);
    long now = System.currentTimeMillis();
    // A new file per process start: TensorBoard reads every events file of a folder, so a resumed run appends.
    String name = "events.out.tfevents." + (now / 1000) + ".dlema." + ProcessHandle.current().pid();
    // A second file of the same process within one second (a run resumed in-process) takes a suffix.
    Path free = folder.resolve(name);
    for (int n = 2; Files.exists(free, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
      free = folder.resolve(name + "." + n);
    }
    file = free;
    out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    write(Event.newBuilder().setWallTime(now / 1000.0).setFileVersion("brain.Event:2").build());
  }

  Path file() {
    return file;
  }

  /**
   * Marks a restart at {@code step}: TensorBoard drops the points of earlier files with a larger step, which the
   * resumed run is about to log again.
   */
  void restartAt(long step) throws IOException {
    write(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step)
        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START)).build());
  }

  void scalar(String tag, long step, double value) throws IOException {
    Summary summary = Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value)).build();
    write(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step).setSummary(summary)
        .build());
  }

  void image(String tag, long step, BufferedImage image) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    Summary.Image encoded = Summary.Image.newBuilder().setHeight(image.getHeight()).setWidth(image.getWidth())
        .setColorspace(3).setEncodedImageString(ByteString.copyFrom(png.toByteArray())).build();
    Summary summary = Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(tag).setImage(encoded))
        .build();
    write(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step).setSummary(summary)
        .build());
  }

  private void write(Event event) throws IOException {
    byte[] data = event.toByteArray();
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    out.write(length);
    out.write(intBytes(maskedCrc(length)));
    out.write(data);
    out.write(intBytes(maskedCrc(data)));
    out.flush();
  }

  /** TFRecord's masked CRC-32C, which keeps CRCs of CRC-bearing data from looking like valid records. */
  static int maskedCrc(byte[] bytes) {
    int crc = Hashing.crc32c().hashBytes(bytes).asInt();
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
