package org.dlema.io;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
  @TempDir Path dir;

  private long entries() throws IOException {
    try (var list = Files.list(dir)) {
      return list.count();
    }
  }

  @Test
  void committedDirectoryAppearsWhole() throws Exception {
    Path target = dir.resolve("out");
    try (AtomicDirectory staged = AtomicDirectory.create(target)) {
      Files.writeString(staged.path().resolve("a.txt"), "a");
      assertThat(Files.exists(target)).isFalse();
      staged.commit();
    }
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("a");
    assertThat(entries()).isEqualTo(1);
  }

  @Test
  void anOutputLeftUncommittedRemovesTheFoldersMadeForItAndKeepsTheOthers() throws Exception {
    Path kept = Files.createDirectory(dir.resolve("kept"));
    try (AtomicDirectory staged = AtomicDirectory.create(kept.resolve("root/model/1"))) {
      Files.writeString(staged.path().resolve("a.txt"), "a");
    }
    assertThat(Files.isDirectory(kept)).isTrue();
    try (var left = Files.list(kept)) {
      assertThat(left.toList()).isEmpty();
    }
    // A committed sibling keeps the folders it shares.
    try (AtomicDirectory member = AtomicDirectory.create(kept.resolve("root/member/1"))) {
      member.commit();
    }
    try (AtomicDirectory staged = AtomicDirectory.create(kept.resolve("root/model/1"))) {
      Files.writeString(staged.path().resolve("a.txt"), "a");
    }
    assertThat(Files.isDirectory(kept.resolve("root/member/1"))).isTrue();
    assertThat(Files.exists(kept.resolve("root/model"))).isFalse();
  }

  @Test
  void aLinkToAnEmptyFolderIsFilledAndStaysALinkAndALinkToNothingIsRefused() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    try (AtomicDirectory staged = AtomicDirectory.create(link)) {
      Files.writeString(staged.path().resolve("a.txt"), "a");
      staged.commit();
    }
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real.resolve("a.txt"))).isEqualTo("a");

    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    IOException refused = assertThrows(IOException.class, () -> AtomicDirectory.create(dangling));
    assertThat(refused).hasMessageThat().contains("is a symbolic link to");
    assertThat(refused).hasMessageThat().contains("nowhere");
    assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
  }

  @Test
  void aTargetNamedNearTheFileNameLimitIsStagedAndCommitted() throws Exception {
    Path target = dir.resolve("n".repeat(250));
    try (AtomicDirectory staged = AtomicDirectory.create(target)) {
      assertThat(staged.path().getFileName().toString().length()).isAtMost(255);
      Files.writeString(staged.path().resolve("a.txt"), "a");
      staged.commit();
    }
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("a");
    // Replacing it sets the old one aside under a legal name too.
    try (AtomicDirectory again = AtomicDirectory.replacing(target)) {
      Files.writeString(again.path().resolve("b.txt"), "b");
      again.commit();
    }
    assertThat(Files.exists(target.resolve("b.txt"))).isTrue();
    assertThat(entries()).isEqualTo(1);
  }

  @Test
  void failureLeavesNothing() throws Exception {
    Path target = dir.resolve("out");
    assertThrows(IllegalStateException.class, () -> {
      try (AtomicDirectory staged = AtomicDirectory.create(target)) {
        Files.writeString(staged.path().resolve("a.txt"), "a");
        throw new IllegalStateException("boom");
      }
    });
    assertThat(entries()).isEqualTo(0);
  }

  @Test
  void refusesToReplaceAnExistingFolder() throws Exception {
    Path target = Files.createDirectories(dir.resolve("out"));
    Files.writeString(target.resolve("keep.txt"), "keep");
    IOException e = assertThrows(IOException.class, () -> AtomicDirectory.create(target));
    assertThat(e.getMessage()).contains("already exists");
    assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("keep");
  }

  @Test
  void replacingSwapsWholeFoldersAndRecoversAnInterruptedSwap() throws Exception {
    Path target = dir.resolve("latest");
    for (String content : new String[] {"one", "two"}) {
      try (AtomicDirectory staged = AtomicDirectory.replacing(target)) {
        Files.writeString(staged.path().resolve("state"), content);
        staged.commit();
      }
    }
    assertThat(Files.readString(target.resolve("state"))).isEqualTo("two");
    assertThat(entries()).isEqualTo(1);
    // A kill between "move the old version aside" and "move the new one in" leaves only the old one aside.
    Files.move(target, dir.resolve(".latest.old-1234"));
    assertThat(AtomicDirectory.recover(target)).isTrue();
    assertThat(Files.readString(target.resolve("state"))).isEqualTo("two");
    assertThat(AtomicDirectory.recover(dir.resolve("never"))).isFalse();
  }

  @Test
  void stagingOfAKilledProcessIsRemovedByTheNextOutputThere() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path abandoned = Files.createDirectories(dir.resolve(".7.partial-" + host() + "_" + gone.pid() + "-x"));
    Files.writeString(abandoned.resolve("half.bin"), "half");
    Path live = Files.createDirectories(dir.resolve(".7.partial-" + host() + "_" + ProcessHandle.current().pid()
        + "-y"));
    Path elsewhere = Files.createDirectories(dir.resolve(".7.partial-otherhost_" + gone.pid() + "-z"));
    try (AtomicDirectory out = AtomicDirectory.create(dir.resolve("8"))) {
      out.commit();
    }
    assertThat(Files.exists(abandoned)).isFalse();
    assertThat(Files.exists(live)).isTrue();
    // Another machine's staging in a shared folder is not ours to judge.
    assertThat(Files.exists(elsewhere)).isTrue();
  }

  /** The host part of staging names, as AtomicDirectory writes it. */
  private static String host() throws Exception {
    return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.]", "");
  }
}
