package org.dlema.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dlema.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
  @TempDir Path dir;

  private static List<String> maskNames(AnnotatedImage image) {
    return image.annotations().stream().map(a -> a.file().getFileName().toString()).toList();
  }

  @Test
  void folderLayoutGroupsMasksByIdPrefix() throws Exception {
    MultiAnnotatedDataset dataset = DatasetReader.read(TestFiles.smallFolderDataset(dir), ReadOptions.strict());
    assertThat(dataset.size()).isEqualTo(2);
    assertThat(dataset.annotationCount()).isEqualTo(3);
    assertThat(dataset.maxAnnotations()).isEqualTo(2);
    assertThat(maskNames(dataset.image("a"))).containsExactly("a_1.png", "a_2.png").inOrder();
    assertThat(maskNames(dataset.image("b"))).containsExactly("b_x.bmp");
    assertThat(dataset.annotationHistogram()).containsExactly(1, 1, 2, 1);
    // The suffix after "<id>_" names the annotator.
    assertThat(dataset.image("a").annotations().stream().map(Annotation::annotator).toList())
        .containsExactly(java.util.Optional.of("1"), java.util.Optional.of("2")).inOrder();
    assertThat(dataset.image("b").annotations().get(0).annotator()).hasValue("x");
  }

  @Test
  void isicAndPh2NamesWork() throws Exception {
    TestFiles.write(TestFiles.rgb(8, 8), "jpg", dir.resolve("images/ISIC_0000001.jpg"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("masks/ISIC_0000001_segmentation.png"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("masks/ISIC_0000001_segmentation_2.png"));
    TestFiles.write(TestFiles.rgb(8, 8), "bmp", dir.resolve("images/IMD002.bmp"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "bmp", dir.resolve("masks/IMD002_lesion.bmp"));
    MultiAnnotatedDataset dataset = DatasetReader.read(dir, ReadOptions.strict());
    assertThat(maskNames(dataset.image("ISIC_0000001")))
        .containsExactly("ISIC_0000001_segmentation.png", "ISIC_0000001_segmentation_2.png").inOrder();
    assertThat(maskNames(dataset.image("IMD002"))).containsExactly("IMD002_lesion.bmp");
  }

  @Test
  void dermofitFoldersReadThroughTheDocumentedManifest() throws Exception {
    // The layout of docs/data.md: <class>/<id>/<id>.png beside <id>mask.png, listed by a manifest at the top.
    TestFiles.write(TestFiles.rgb(8, 8), "png", dir.resolve("BCC/B1/B1.png"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("BCC/B1/B1mask.png"));
    TestFiles.write(TestFiles.rgb(8, 8), "png", dir.resolve("ML/D7/D7.png"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("ML/D7/D7mask.png"));
    Files.writeString(dir.resolve("manifest.csv"), "image,mask\nBCC/B1/B1.png,BCC/B1/B1mask.png\n"
        + "ML/D7/D7.png,ML/D7/D7mask.png\n");
    MultiAnnotatedDataset dataset = DatasetReader.read(dir, ReadOptions.strict());
    assertThat(dataset.size()).isEqualTo(2);
    assertThat(maskNames(dataset.image("D7"))).containsExactly("D7mask.png");
  }

  @Test
  void theLongestMatchingIdOwnsAMask() throws Exception {
    TestFiles.write(TestFiles.rgb(8, 8), "png", dir.resolve("images/a.png"));
    TestFiles.write(TestFiles.rgb(8, 8), "png", dir.resolve("images/a_b.png"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("masks/a_b_1.png"));
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("masks/a_1.png"));
    MultiAnnotatedDataset dataset = DatasetReader.read(dir, ReadOptions.strict());
    assertThat(maskNames(dataset.image("a_b"))).containsExactly("a_b_1.png");
    assertThat(maskNames(dataset.image("a"))).containsExactly("a_1.png");
  }

  @Test
  void maskWithoutImageIsAnErrorNamingTheMask() throws Exception {
    TestFiles.smallFolderDataset(dir);
    Path orphan = TestFiles.write(TestFiles.mask(16, 12, 255), "png", dir.resolve("masks/zzz_1.png"));
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, ReadOptions.strict()));
    assertThat(e.file()).isEqualTo(orphan);
    assertThat(e.getMessage()).contains("mask with no image");
  }

  @Test
  void aLinkToNothingIsAnErrorAndAFolderIsReported() throws Exception {
    TestFiles.smallFolderDataset(dir);
    Path dangling = Files.createSymbolicLink(dir.resolve("images/zz.png"), dir.resolve("nowhere.png"));
    Path loop = Files.createSymbolicLink(dir.resolve("masks/a_3.png"), dir.resolve("masks/a_3.png"));
    Path folder = Files.createSymbolicLink(dir.resolve("masks/sub"), dir.resolve("masks"));
    ValidationReport report = new ValidationReport();
    DatasetReader.read(dir, ReadOptions.strict(), report);
    assertThat(report.errors().stream().map(ValidationReport.Problem::file).toList())
        .containsExactly(dangling, loop);
    assertThat(report.errors().get(0).message()).contains("leads to no file");
    assertThat(report.errors().get(0).message()).contains("nowhere.png");
    assertThat(report.warnings().stream().map(ValidationReport.Problem::file).toList()).contains(folder);
    assertThat(report.count(ValidationReport.IGNORED_FILES)).isEqualTo(1);
  }

  @Test
  void imageWithoutMaskIsAnErrorOrSkippedAndCounted() throws Exception {
    TestFiles.smallFolderDataset(dir);
    Path lonely = TestFiles.write(TestFiles.rgb(16, 12), "png", dir.resolve("images/c.png"));
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, ReadOptions.strict()));
    assertThat(e.file()).isEqualTo(lonely);
    assertThat(e.getMessage()).contains("no mask");

    ValidationReport report = new ValidationReport();
    MultiAnnotatedDataset dataset = DatasetReader.read(dir, new ReadOptions(true), report);
    assertThat(report.hasErrors()).isFalse();
    assertThat(report.count(ValidationReport.SKIPPED_UNANNOTATED)).isEqualTo(1);
    assertThat(dataset.size()).isEqualTo(2);
  }

  @Test
  void duplicateIdsAreAnError() throws Exception {
    TestFiles.smallFolderDataset(dir);
    TestFiles.write(TestFiles.rgb(16, 12), "jpg", dir.resolve("images/a.jpg"));
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, ReadOptions.strict()));
    assertThat(e.getMessage()).contains("duplicate image id 'a'");
    assertThat(e.file().getFileName().toString()).isAnyOf("a.jpg", "a.png");
  }

  @Test
  void emptyDatasetIsAnError() throws Exception {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("masks"));
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, ReadOptions.strict()));
    assertThat(e.getMessage()).isEqualTo(dir + ": no annotated image found");
  }

  @Test
  void manifestHeaderMayFollowComments() throws Exception {
    TestFiles.smallFolderDataset(dir);
    Files.writeString(dir.resolve("manifest.csv"), "# made by hand\nimage,mask\nimages/a.png,masks/a_1.png\n");
    assertThat(DatasetReader.read(dir, ReadOptions.strict()).size()).isEqualTo(1);
  }

  @Test
  void missingImagesFolderIsNamed() throws Exception {
    Files.createDirectories(dir.resolve("masks"));
    DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, ReadOptions.strict()));
    assertThat(e.file()).isEqualTo(dir.resolve("images"));
  }

  @Test
  void manifestGivesAnnotatorsAndTakesPrecedence() throws Exception {
    TestFiles.smallFolderDataset(dir);
    Files.writeString(dir.resolve("manifest.csv"), """
        image,mask,annotator
        images/a.png,masks/a_2.png,alice
        images/a.png,masks/a_1.png,"bob, jr"
        # comment lines and blank lines are ignored

        images/b.jpg,masks/b_x.bmp
        """);
    MultiAnnotatedDataset dataset = DatasetReader.read(dir, ReadOptions.strict());
    AnnotatedImage a = dataset.image("a");
    assertThat(maskNames(a)).containsExactly("a_2.png", "a_1.png").inOrder();
    assertThat(a.annotations().get(0).annotator()).hasValue("alice");
    assertThat(a.annotations().get(1).annotator()).hasValue("bob, jr");
    assertThat(dataset.image("b").annotations().get(0).annotator()).isEmpty();
  }

  @Test
  void manifestFileWithRelativePaths() throws Exception {
    TestFiles.smallFolderDataset(dir.resolve("data"));
    Path csv = Files.writeString(dir.resolve("list.csv"), "data/images/a.png,data/masks/a_1.png\n");
    MultiAnnotatedDataset dataset = DatasetReader.read(csv, ReadOptions.strict());
    assertThat(dataset.size()).isEqualTo(1);
    assertThat(dataset.image("a").annotations().get(0).file()).isEqualTo(dir.resolve("data/masks/a_1.png"));
  }

  @Test
  void manifestProblemsNameTheFileAndLine() throws Exception {
    TestFiles.smallFolderDataset(dir);
    Path csv = Files.writeString(dir.resolve("list.csv"), "images/a.png\n");
    DatasetException columns = assertThrows(DatasetException.class,
        () -> DatasetReader.read(csv, ReadOptions.strict()));
    assertThat(columns.file()).isEqualTo(csv);
    assertThat(columns.getMessage()).contains("line 1: expected image,mask[,annotator]");

    Files.writeString(csv, "images/a.png,masks/nope.png\n");
    ValidationReport report = new ValidationReport();
    DatasetReader.read(csv, ReadOptions.strict(), report);
    assertThat(report.errors()).contains(new ValidationReport.Problem(dir.resolve("masks/nope.png"),
        "listed on line 1 of " + csv + " but does not exist"));

    Files.writeString(csv, "images/a.png,masks/a_1.png\nimages/a.png,masks/a_1.png\n");
    DatasetException twice = assertThrows(DatasetException.class,
        () -> DatasetReader.read(csv, ReadOptions.strict()));
    assertThat(twice.getMessage()).contains("listed twice");
  }

  @Test
  void aManifestWrittenForIdsWithCommasQuotesAndLineBreaksReadsBack() throws Exception {
    List<String> ids = List.of("a,b", "q\"x", "n\nl", "plain");
    for (String id : ids) {
      TestFiles.write(TestFiles.rgb(8, 8), "png", dir.resolve("images/" + id + ".png"));
      TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("masks/" + id + "_1.png"));
    }
    MultiAnnotatedDataset folder = DatasetReader.read(dir, ReadOptions.strict());
    assertThat(folder.size()).isEqualTo(4);
    TestFiles.write(TestFiles.mask(8, 8, 255), "png", dir.resolve("extra/plain_2.png"));
    Path csv = Files.writeString(dir.resolve("list.csv"), Manifests.of(folder.images(), dir)
        + "images/plain.png,extra/plain_2.png,after the line breaks\n");
    MultiAnnotatedDataset listed = DatasetReader.read(csv, ReadOptions.strict());
    for (String id : List.of("a,b", "q\"x", "n\nl")) {
      assertThat(maskNames(listed.image(id))).containsExactly(id + "_1.png");
    }
    assertThat(maskNames(listed.image("plain"))).containsExactly("plain_1.png", "plain_2.png");
    assertThat(listed.image("plain").annotations().get(1).annotator()).hasValue("after the line breaks");
    // Line numbers count the line breaks inside quoted cells: "n\nl"'s record spans lines 3-5 (its image and mask
    // paths each hold one), so the last record starts on line 8.
    Files.writeString(csv, Manifests.of(folder.images(), dir) + "images/plain.png\n");
    DatasetException columns = assertThrows(DatasetException.class,
        () -> DatasetReader.read(csv, ReadOptions.strict()));
    assertThat(columns.getMessage()).contains("line 8: expected image,mask[,annotator]");
  }
}
