package org.dlema.train;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.dlema.io.JsonFiles;
import org.junit.jupiter.api.Test;

/** A checkpoint's kind names its folder and is written in JSON as it always was: latest, best, final. */
class CheckpointKindTest {
  @Test
  void idsAreTheFolderNamesAndTheJsonValues() {
    assertThat(java.util.Arrays.stream(CheckpointKind.values()).map(CheckpointKind::id).toList())
        .containsExactly("latest", "best", "final").inOrder();
    for (CheckpointKind kind : CheckpointKind.values()) {
      assertThat(JsonFiles.GSON.toJson(kind)).isEqualTo("\"" + kind.id() + "\"");
      assertThat(JsonFiles.GSON.fromJson("\"" + kind.id() + "\"", CheckpointKind.class)).isEqualTo(kind);
      assertThat(new Checkpoints(Path.of("run", "checkpoints")).folder(kind))
          .isEqualTo(Path.of("run", "checkpoints", kind.id()));
    }
  }
}
