package org.dlema.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dlema.io.AtomicDirectory;
import org.dlema.io.JsonFiles;

/**
 * The latest learned weight map of each annotation of a few sampled training images (paper Figures 3-4), kept in
 * memory and written at every checkpoint to {@code weights/}: one {@code <id>_<k>.f32} per annotation (little-endian
 * float32, side x side, row-major) and {@code index.json}. Values are scaled so that 1 is the weight every pixel
 * would get if all were equal (the normalised weight times the number of pixels in the batch).
 */
public final class WeightMaps {
  public static final String FOLDER = "weights";

  /** One stored map. */
  public record Entry(String image, int annotation, String mask, long step, String file) {}

  /** The index file. */
  public record Index(int side, List<Entry> maps) {}

  private final int side;
  private final Map<String, float[]> maps = new TreeMap<>();
  private final Map<String, Entry> entries = new TreeMap<>();

  WeightMaps(int side) {
    this.side = side;
  }

  static String key(String image, int annotation) {
    return image + "_" + annotation;
  }

  synchronized void put(String image, int annotation, String mask, long step, float[] map) {
    String key = key(image, annotation);
    maps.put(key, map);
    entries.put(key, new Entry(image, annotation, mask, step, key + ".f32"));
  }

  synchronized void save(Path run) throws IOException {
    try (AtomicDirectory dir = AtomicDirectory.replacing(run.resolve(FOLDER))) {
      for (Map.Entry<String, float[]> map : maps.entrySet()) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * map.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : map.getValue()) {
          bytes.putFloat(v);
        }
        Files.write(dir.path().resolve(map.getKey() + ".f32"), bytes.array());
      }
      JsonFiles.write(dir.path().resolve("index.json"), new Index(side, new ArrayList<>(entries.values())));
      dir.commit();
    }
  }

  /** Loads what {@link #save} wrote, so that a resumed member keeps the maps it had. */
  static WeightMaps load(Path run, int side) throws IOException {
    WeightMaps out = new WeightMaps(side);
    Path folder = run.resolve(FOLDER);
    if (!AtomicDirectory.recover(folder) || !Files.isRegularFile(folder.resolve("index.json"))) {
      return out;
    }
    for (Entry e : index(run).maps()) {
      out.maps.put(key(e.image(), e.annotation()), read(folder.resolve(e.file()), side));
      out.entries.put(key(e.image(), e.annotation()), e);
    }
    return out;
  }

  /** The config of an ensemble run, the only kind that learns weight maps. */
  static RunConfig ensembleConfig(Path run) throws IOException {
    Path parent = run.toAbsolutePath().normalize().getParent();
    if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(RunFolder.MEMBERS)
        && Files.isRegularFile(RunFolder.of(parent.getParent()).partition())) {
      throw new IOException(run + " is one member of the ensemble run " + parent.getParent() + ": the figure draws "
          + "every member side by side, so give the ensemble's folder");
    }
    RunConfig config = RunConfig.read(run);
    if (config.ensemble() == null) {
      throw new IOException(run + ": a " + config.method() + " run has no weight maps (only a D-LEMA ensemble "
          + "learns them)");
    }
    return config;
  }

  public static Index index(Path run) throws IOException {
    return JsonFiles.read(run.resolve(FOLDER).resolve("index.json"), Index.class);
  }

  public static float[] read(Path file, int side) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.remaining() != 4 * side * side) {
      throw new IOException(file + ": expected " + side + "x" + side + " float32 values");
    }
    float[] map = new float[side * side];
    bytes.asFloatBuffer().get(map);
    return map;
  }
}
