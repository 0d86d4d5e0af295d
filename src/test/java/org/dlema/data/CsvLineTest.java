package org.dlema.data;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvLineTest {
  @Test
  void cellsWithCommasQuotesAndLineBreaksAreQuotedAndReadBack() {
    String[] cells = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", ""};
    String line = CsvLine.join(cells);
    assertThat(line).isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\nlf\",");
    List<CsvLine.Record> records = CsvLine.records(line + "\nnext,row\n");
    assertThat(records).hasSize(2);
    assertThat(records.get(0).cells()).containsExactlyElementsIn(cells).inOrder();
    assertThat(records.get(0).line()).isEqualTo(1);
    assertThat(records.get(1).cells()).containsExactly("next", "row").inOrder();
    // The first record spans lines 1-3, so the second starts on line 4.
    assertThat(records.get(1).line()).isEqualTo(4);
  }

  @Test
  void windowsLineEndsAndAMissingFinalLineBreakGiveTheSameRecords() {
    List<CsvLine.Record> unix = CsvLine.records("image,mask\na.png,a_1.png\n");
    List<CsvLine.Record> windows = CsvLine.records("image,mask\r\na.png,a_1.png");
    assertThat(windows.stream().map(CsvLine.Record::cells).toList())
        .isEqualTo(unix.stream().map(CsvLine.Record::cells).toList());
    assertThat(windows.get(1).line()).isEqualTo(2);
  }
}
