package org.dlema.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** The project's one JSON dialect: pretty-printed, paths as strings, written atomically. */
public final class JsonFiles {
  public static final Gson GSON = new GsonBuilder()
      .setPrettyPrinting()
      .disableHtmlEscaping()
      .serializeSpecialFloatingPointValues()
      .registerTypeHierarchyAdapter(Path.class, new PathAdapter())
      .create();

  private JsonFiles() {}

  public static void write(Path file, Object value) throws IOException {
    writeString(file, GSON.toJson(value) + "\n");
  }

  /** Writes through a temporary sibling and a rename, so readers never see half a file. */
  public static void writeString(Path file, String text) throws IOException {
    Path absolute = file.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new IOException(file + " is a folder; give the name of a file to write");
    }
    Files.createDirectories(absolute.getParent());
    // Unique per writer: processes sharing a run folder may replace the same file at the same moment.
    Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        out.write(text);
      }
      Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileSystemException e) {
      throw named(e, file);
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The same failure naming the file the caller asked for rather than its temporary sibling. */
  private static FileSystemException named(FileSystemException e, Path file) {
    String name = file.toString();
    FileSystemException named = e instanceof NoSuchFileException
        ? new NoSuchFileException(name)
        : e instanceof AccessDeniedException ? new AccessDeniedException(name)
        : new FileSystemException(name, null, e.getReason());
    named.initCause(e);
    return named;
  }

  public static <T> T read(Path file, Class<T> type) throws IOException {
    return read(file, (Type) type);
  }

  public static <T> T read(Path file, Type type) throws IOException {
    try {
      T value = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), type);
      if (value == null) {
        throw new DamagedFileException(file, "empty");
      }
      return value;
    } catch (JsonParseException | CharacterCodingException e) {
      throw new DamagedFileException(file, "not valid JSON: " + parserMessage(e), e);
    } catch (RuntimeException e) {
      // Valid JSON whose values a record refuses says which in its own words; any other failure inside the
      // adapters means the wrong shape (a field missing, a number where a list belongs).
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
          throw new DamagedFileException(file, "not the expected JSON: " + cause.getMessage(), e);
        }
      }
      throw new DamagedFileException(file, "not the expected JSON: fields are missing or of the wrong type", e);
    }
  }

  /** The parser's own words without its exception class names and troubleshooting links. */
  private static String parserMessage(Exception e) {
    Throwable innermost = e;
    while (innermost.getCause() != null && innermost.getCause().getMessage() != null) {
      innermost = innermost.getCause();
    }
    String message = innermost.getMessage() == null ? "unreadable text" : innermost.getMessage();
    return message.replaceAll("\\s*See https?://\\S+", "").replaceAll("[A-Za-z.]+Exception: ", "").strip();
  }

  private static final class PathAdapter extends TypeAdapter<Path> {
    @Override
    public void write(JsonWriter out, Path value) throws IOException {
      if (value == null) {
        out.nullValue();
      } else {
        out.value(value.toString());
      }
    }

    @Override
    public Path read(JsonReader in) throws IOException {
      return Path.of(in.nextString());
    }
  }
}
