package org.dlema.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the structure of a dataset (which masks belong to which image) without decoding pixels. Two layouts:
 *
 * <ul>
 *   <li>a folder with {@code images/<id>.<ext>} and {@code masks/<id>_<suffix>.<ext>}: every mask whose name starts
 *       with {@code <id>_} belongs to {@code <id>} (the longest matching id wins), which covers ISIC
 *       {@code ISIC_x_segmentation.png} / {@code ISIC_x_segmentation_2.png} and PH2 {@code IMD002_lesion.bmp};
 *   <li>a manifest CSV {@code image,mask[,annotator]} (a file, or {@code manifest.csv} inside the folder, which then
 *       takes precedence), paths relative to the CSV, one row per annotation.
 * </ul>
 *
 * Problems go to the report; the caller decides when to stop ({@link ValidationReport#throwIfErrors()}).
 */
public final class DatasetReader {
  public static final String MANIFEST = "manifest.csv";
  public static final String IMAGES = "images";
  public static final String MASKS = "masks";

  private DatasetReader() {}

  /** Reads and throws on the first structural error. */
  public static MultiAnnotatedDataset read(Path source, ReadOptions options) {
    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = read(source, options, report);
    report.throwIfErrors();
    return dataset;
  }

  public static MultiAnnotatedDataset read(Path source, ReadOptions options, ValidationReport report) {
    if (Files.isRegularFile(source)) {
      return readManifest(source, options, report);
    }
    if (!Files.isDirectory(source)) {
      throw new DatasetException(source, "no such dataset folder or manifest file");
    }
    Path manifest = source.resolve(MANIFEST);
    if (Files.isRegularFile(manifest)) {
      return readManifest(manifest, options, report);
    }
    return readFolder(source, options, report);
  }

  private static MultiAnnotatedDataset readFolder(Path root, ReadOptions options, ValidationReport report) {
    Path imageDir = root.resolve(IMAGES);
    Path maskDir = root.resolve(MASKS);
    if (!Files.isDirectory(imageDir)) {
      throw new DatasetException(imageDir, "missing: a dataset folder holds images/ and masks/, or a " + MANIFEST);
    }
    if (!Files.isDirectory(maskDir)) {
      throw new DatasetException(maskDir, "missing: a dataset folder holds images/ and masks/, or a " + MANIFEST);
    }
    Map<String, Path> images = new TreeMap<>();
    for (Path file : listFiles(imageDir, report)) {
      if (!ImageFiles.IMAGE_EXTENSIONS.contains(ImageFiles.extension(file))) {
        report.warning(file, "ignored: not an image file (" + String.join(", ", ImageFiles.IMAGE_EXTENSIONS) + ")");
        report.count(ValidationReport.IGNORED_FILES, 1);
        continue;
      }
      String id = ImageFiles.baseName(file);
      Path other = images.putIfAbsent(id, file);
      if (other != null) {
        report.error(file, "duplicate image id '" + id + "' (also " + other.getFileName() + ")");
      }
    }
    Map<String, List<Annotation>> masks = new TreeMap<>();
    for (Path file : listFiles(maskDir, report)) {
      if (!ImageFiles.MASK_EXTENSIONS.contains(ImageFiles.extension(file))) {
        report.warning(file, "ignored: not a mask file (" + String.join(", ", ImageFiles.MASK_EXTENSIONS) + ")");
        report.count(ValidationReport.IGNORED_FILES, 1);
        continue;
      }
      String owner = owningId(ImageFiles.baseName(file), images);
      if (owner == null) {
        report.error(file, "mask with no image: no images/<id>.* where the mask is named <id>_<suffix>");
      } else {
        // The suffix after "<id>_" names the annotation's reader (a_drA.png: drA).
        masks.computeIfAbsent(owner, k -> new ArrayList<>()).add(Annotation.of(file,
            ImageFiles.baseName(file).substring(owner.length() + 1)));
      }
    }
    return assemble(root, images, masks, options, report);
  }

  /** The longest image id that, followed by '_', prefixes the mask name. */
  private static String owningId(String maskName, Map<String, Path> images) {
    for (int i = maskName.length() - 1; i > 0; i--) {
      if (maskName.charAt(i) == '_' && images.containsKey(maskName.substring(0, i))) {
        return maskName.substring(0, i);
      }
    }
    return null;
  }

  private static MultiAnnotatedDataset readManifest(Path csv, ReadOptions options, ValidationReport report) {
    List<CsvLine.Record> records;
    try {
      // Spreadsheet programs save UTF-8 with a byte-order mark.
      records = CsvLine.records(Files.readString(csv, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", ""));
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DatasetException(csv, "not UTF-8 text; save the manifest as UTF-8 (plain CSV)", e);
    } catch (IOException e) {
      throw new DatasetException(csv, "cannot be read (" + e.getMessage() + ")", e);
    }
    Path base = csv.toAbsolutePath().getParent();
    Map<String, Path> images = new TreeMap<>();
    Map<String, List<Annotation>> masks = new TreeMap<>();
    boolean firstRow = true;
    for (CsvLine.Record record : records) {
      int n = record.line() - 1;
      String line = record.text().strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> cells = record.cells();
      boolean header = firstRow && cells.get(0).equalsIgnoreCase("image");
      firstRow = false;
      if (header) {
        continue;
      }
      if (cells.size() < 2 || cells.size() > 3) {
        report.error(csv, "line " + (n + 1) + ": expected image,mask[,annotator] but found " + cells.size()
            + " column(s)");
        continue;
      }
      Path image = relativeTo(base, csv, cells.get(0));
      if (Files.isDirectory(image)) {
        report.error(image, "listed as an image on line " + (n + 1) + " of " + csv + " but is a folder");
        continue;
      }
      String id = ImageFiles.baseName(image);
      Path other = images.putIfAbsent(id, image);
      if (other != null && !other.equals(image)) {
        report.error(image, "duplicate image id '" + id + "' (also " + other + ", line " + (n + 1) + " of " + csv
            + ")");
        continue;
      }
      if (other == null && !Files.isRegularFile(image)) {
        report.error(image, "listed on line " + (n + 1) + " of " + csv + " but does not exist");
      }
      if (cells.get(1).isBlank()) {
        continue;
      }
      Path mask = relativeTo(base, csv, cells.get(1));
      if (Files.isDirectory(mask)) {
        report.error(mask, "listed as a mask on line " + (n + 1) + " of " + csv + " but is a folder");
        continue;
      }
      if (!Files.isRegularFile(mask)) {
        report.error(mask, "listed on line " + (n + 1) + " of " + csv + " but does not exist");
        continue;
      }
      List<Annotation> list = masks.computeIfAbsent(id, k -> new ArrayList<>());
      if (list.stream().anyMatch(a -> a.file().equals(mask))) {
        report.error(mask, "listed twice for image '" + id + "' (line " + (n + 1) + " of " + csv + ")");
        continue;
      }
      list.add(Annotation.of(mask, cells.size() == 3 ? cells.get(2) : null));
    }
    return assemble(csv, images, masks, options, report);
  }

  private static Path relativeTo(Path base, Path csv, String cell) {
    if (cell.isBlank()) {
      throw new DatasetException(csv, "empty image path in a row");
    }
    return base.resolve(cell).normalize();
  }

  private static MultiAnnotatedDataset assemble(Path source, Map<String, Path> images,
      Map<String, List<Annotation>> masks, ReadOptions options, ValidationReport report) {
    Map<String, AnnotatedImage> entries = new LinkedHashMap<>();
    images.forEach((id, file) -> {
      List<Annotation> annotations = masks.getOrDefault(id, List.of());
      if (annotations.isEmpty()) {
        if (options.skipUnannotated()) {
          report.count(ValidationReport.SKIPPED_UNANNOTATED, 1);
        } else {
          report.error(file, "image has no mask (the skip-unannotated option leaves such images out)");
        }
        return;
      }
      entries.put(id, new AnnotatedImage(id, file, annotations));
    });
    if (entries.isEmpty() && !report.hasErrors()) {
      report.error(source, "no annotated image found");
    }
    return new MultiAnnotatedDataset(source, List.copyOf(entries.values()));
  }

  /** The visible files of a folder; a folder inside it is reported and skipped, a link that leads nowhere is an error. */
  private static List<Path> listFiles(Path dir, ValidationReport report) {
    List<Path> entries;
    try (Stream<Path> files = Files.list(dir)) {
      entries = files.filter(f -> !f.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new DatasetException(dir, "cannot be listed (" + e.getMessage() + ")", e);
    }
    List<Path> regular = new ArrayList<>();
    for (Path entry : entries) {
      if (Files.isRegularFile(entry)) {
        regular.add(entry);
      } else if (Files.isSymbolicLink(entry) && !Files.exists(entry)) {
        // A dangling link or a loop: the user meant a file here, so skipping it would lose an image or a mask.
        report.error(entry, "a link that leads to no file (" + linkTarget(entry) + ")");
      } else if (Files.isDirectory(entry)) {
        report.warning(entry, "ignored: a folder (images/ and masks/ are read one level deep)");
        report.count(ValidationReport.IGNORED_FILES, 1);
      } else {
        report.warning(entry, "ignored: not a regular file");
        report.count(ValidationReport.IGNORED_FILES, 1);
      }
    }
    return regular;
  }

  private static String linkTarget(Path link) {
    try {
      return "it points to " + Files.readSymbolicLink(link);
    } catch (IOException e) {
      return "its target cannot be read";
    }
  }
}
