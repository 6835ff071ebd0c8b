package dev.perfmon.agent.output;

import dev.perfmon.agent.CapturingLogger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputTest {
  private static final JsonFactory JSON = new JsonFactory();

  @TempDir Path dir;
  private final CapturingLogger log = new CapturingLogger();

  private static byte[] line(String type, int n) {
    return ("{\"type\":\"" + type + "\",\"n\":" + n + "}\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  @Test
  void aMissingDirectoryIsCreatedAndSaidSoInOneLine() throws Exception {
    Path file = dir.resolve("logs/perf/out.jsonl");
    try (FileOutput out = new FileOutput(file, log)) {
      out.write(line("a", 1));
      out.write(line("a", 2));
    }
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":1}\n{\"type\":\"a\",\"n\":2}\n");
    assertThat(log.at("INFO")).containsExactly("created the directory " + dir.resolve("logs/perf") + " for output.file");
    assertThat(log.at("WARN")).isEmpty();
  }

  /**
   * An interrupted writing thread (an executor shutting down) closes a FileChannel: the line is
   * still written, nothing is lost or warned about, and the thread stays interrupted.
   */
  @Test
  void aWriteFromAnInterruptedThreadIsNotLost() throws Exception {
    Path file = dir.resolve("out.jsonl");
    try (FileOutput out = new FileOutput(file, log)) {
      out.write(line("a", 1));
      Thread.currentThread().interrupt();
      try {
        out.write(line("a", 2));
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
      } finally {
        Thread.interrupted();
      }
      out.write(line("a", 3));
      assertThat(out.lostLines()).isZero();
    }
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":1}\n{\"type\":\"a\",\"n\":2}\n{\"type\":\"a\",\"n\":3}\n");
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void aDeletedFileIsCreatedAgainAtThePath() throws Exception {
    Path file = dir.resolve("out.jsonl");
    try (FileOutput out = new FileOutput(file, log)) {
      out.write(line("a", 1));
      Files.delete(file);
      out.write(line("a", 2));
      out.write(line("a", 3));
    }
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":2}\n{\"type\":\"a\",\"n\":3}\n");
    assertThat(log.at("INFO")).containsExactly(file + " was deleted or moved away: creating it again");
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void aFileMovedAwayAndCreatedAgainLikeLogrotateCreateGetsTheLaterLines() throws Exception {
    Path file = dir.resolve("out.jsonl");
    Path rotated = dir.resolve("out.jsonl.1");
    try (FileOutput out = new FileOutput(file, log)) {
      out.write(line("a", 1));
      Files.move(file, rotated);
      Files.createFile(file); // logrotate's "create"
      out.write(line("a", 2));
      // and without "create": the path is missing until the next write
      Files.move(file, dir.resolve("out.jsonl.2"));
      out.write(line("a", 3));
    }
    assertThat(read(rotated)).isEqualTo("{\"type\":\"a\",\"n\":1}\n");
    assertThat(read(dir.resolve("out.jsonl.2"))).isEqualTo("{\"type\":\"a\",\"n\":2}\n");
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":3}\n");
    assertThat(log.at("INFO"))
        .containsExactly(
            file + " was replaced (moved away and created again, e.g. by logrotate): writing to the new file",
            file + " was deleted or moved away: creating it again");
  }

  @Test
  void aFileTruncatedUnderUsLikeLogrotateCopytruncateIsWrittenFromItsNewEnd() throws Exception {
    Path file = dir.resolve("out.jsonl");
    Path copy = dir.resolve("out.jsonl.1");
    try (FileOutput out = new FileOutput(file, log)) {
      for (int i = 0; i < 50; i++) {
        out.write(line("a", i));
      }
      Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(0);
      }
      out.write(line("a", 50));
      out.write(line("a", 51));
    }
    // no hole of NUL bytes where the old content was, no merged line
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":50}\n{\"type\":\"a\",\"n\":51}\n");
    assertThat(Files.readAllLines(copy)).hasSize(50);
    assertThat(log.at("INFO"))
        .containsExactly(file + " was truncated (e.g. logrotate copytruncate): writing on from its new end");
  }

  @Test
  void aRemovedDirectoryIsCreatedAgain() throws Exception {
    Path logs = dir.resolve("logs");
    Path file = logs.resolve("app/out.jsonl");
    try (FileOutput out = new FileOutput(file, log)) {
      out.write(line("a", 1));
      deleteTree(logs);
      out.write(line("a", 2));
    }
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":2}\n");
    String created = "created the directory " + logs.resolve("app") + " for output.file";
    assertThat(log.at("INFO")).containsExactly(created, file + " was deleted or moved away: creating it again", created);
  }

  @Test
  void aFragmentLeftByAnEarlierWriterIsEndedBeforeTheFirstLine() throws Exception {
    Path file = dir.resolve("out.jsonl");
    Files.writeString(file, "{\"type\":\"a\",\"n\":1}\n{\"type\":\"a\",", StandardCharsets.UTF_8);
    try (FileOutput out = new FileOutput(file, log)) {
      out.write(line("b", 2));
      out.write(line("b", 3));
    }
    assertThat(read(file))
        .isEqualTo("{\"type\":\"a\",\"n\":1}\n{\"type\":\"a\",\n{\"type\":\"b\",\"n\":2}\n{\"type\":\"b\",\"n\":3}\n");
  }

  @Test
  void aDeviceLikeDevNullIsWrittenWithoutTruncationNotices() throws Exception {
    try (FileOutput out = new FileOutput(Path.of("/dev/null"), log)) {
      for (int i = 0; i < 3; i++) {
        out.write(line("a", i));
      }
      assertThat(out.lostLines()).isZero();
    }
    assertThat(log.at("INFO")).isEmpty();
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void linesFromTwoThreadsStayWholeWhileTheFileIsRotated() throws Exception {
    Path file = dir.resolve("out.jsonl");
    int perThread = 400;
    try (FileOutput out = new FileOutput(file, log)) {
      List<Thread> writers = new ArrayList<>();
      for (String type : List.of("snapshot", "slow")) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    out.write(line(type, i));
                  }
                });
        writers.add(t);
        t.start();
      }
      for (int r = 1; writers.stream().anyMatch(Thread::isAlive) && r < 1000; r++) {
        if (Files.exists(file)) {
          Files.move(file, dir.resolve("out.jsonl." + r));
        }
        Thread.sleep(1);
      }
      for (Thread t : writers) {
        t.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(t.isAlive()).isFalse();
      }
    }
    // every line whole in one of the files, none lost
    int snapshots = 0;
    int slow = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          String type = parse(l).type;
          if (type.equals("snapshot")) {
            snapshots++;
          } else if (type.equals("slow")) {
            slow++;
          }
        }
      }
    }
    assertThat(snapshots).isEqualTo(perThread);
    assertThat(slow).isEqualTo(perThread);
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void aFileReachingMaxSizeIsRotatedAndTheOldestBeyondMaxFilesDeleted() throws Exception {
    Path file = dir.resolve("out.jsonl");
    int lineBytes = line("a", 100).length; // 20 bytes for n = 100..999
    try (FileOutput out = new FileOutput(file, log, 5L * lineBytes, 3)) {
      for (int n = 100; n < 150; n++) {
        out.write(line("a", n));
      }
      assertThat(out.rotations()).isEqualTo(9);
    }
    // 50 lines, 5 per file: the newest 5 in the file, then .1, .2, .3 with 5 each; older deleted
    assertThat(read(file)).isEqualTo(lines(145, 150));
    assertThat(read(FileOutput.rotated(file, 1))).isEqualTo(lines(140, 145));
    assertThat(read(FileOutput.rotated(file, 2))).isEqualTo(lines(135, 140));
    assertThat(read(FileOutput.rotated(file, 3))).isEqualTo(lines(130, 135));
    assertThat(FileOutput.rotated(file, 4)).doesNotExist();
    assertThat(log.at("INFO")).isEmpty();
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void aLineLargerThanMaxSizeGetsAFileOfItsOwn() throws Exception {
    Path file = dir.resolve("out.jsonl");
    try (FileOutput out = new FileOutput(file, log, 10, 5)) {
      out.write(line("a", 1));
      out.write(line("a", 2));
    }
    assertThat(read(file)).isEqualTo("{\"type\":\"a\",\"n\":2}\n");
    assertThat(read(FileOutput.rotated(file, 1))).isEqualTo("{\"type\":\"a\",\"n\":1}\n");
  }

  @Test
  void aRotationThatCannotRenameWarnsOnceAndLosesNoLine() throws Exception {
    Path file = dir.resolve("out.jsonl");
    // a non-empty directory where the rotated file should go: it can be neither deleted nor replaced
    Files.createDirectories(FileOutput.rotated(file, 1).resolve("occupied"));
    int lineBytes = line("a", 100).length;
    try (FileOutput out = new FileOutput(file, log, 2L * lineBytes, 1)) {
      for (int n = 100; n < 120; n++) {
        out.write(line("a", n));
      }
      assertThat(out.lostLines()).isZero();
    }
    assertThat(read(file)).isEqualTo(lines(100, 120));
    assertThat(log.at("WARN")).hasSize(1);
    assertThat(log.at("WARN").get(0)).startsWith("cannot rotate " + file);
  }

  @Test
  void rotationUnderFourWritersSplitsAndLosesNoLine() throws Exception {
    Path file = dir.resolve("out.jsonl");
    int perThread = 2000;
    List<String> types = List.of("snapshot", "slow", "memory-warning", "instrumentation");
    try (FileOutput out = new FileOutput(file, log, 4096, 10_000)) {
      List<Thread> writers = new ArrayList<>();
      for (String type : types) {
        Thread t =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    out.write(line(type, i));
                  }
                });
        writers.add(t);
        t.start();
      }
      for (Thread t : writers) {
        t.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(t.isAlive()).isFalse();
      }
      assertThat(out.rotations()).isGreaterThan(50);
    }
    java.util.Map<String, java.util.BitSet> seen = new java.util.HashMap<>();
    int total = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        assertThat(Files.size(p)).isLessThanOrEqualTo(4096);
        String text = read(p);
        assertThat(text).endsWith("\n");
        for (String l : text.split("\n", -1)) {
          if (l.isEmpty()) {
            continue;
          }
          Parsed parsed = parse(l);
          java.util.BitSet b = seen.computeIfAbsent(parsed.type, k -> new java.util.BitSet());
          assertThat(b.get((int) parsed.n)).as("duplicate %s", l).isFalse();
          b.set((int) parsed.n);
          total++;
        }
      }
    }
    assertThat(total).isEqualTo(perThread * types.size());
    for (String type : types) {
      assertThat(seen.get(type).cardinality()).as(type).isEqualTo(perThread);
    }
    assertThat(log.at("WARN")).isEmpty();
  }

  private static String lines(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int n = from; n < to; n++) {
      sb.append(new String(line("a", n), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /**
   * A real full file system: a 64 KiB tmpfs filled by another file. The line that hits the limit
   * is written in part (tmpfs allocates whole pages): that fragment must be cut off, the lines
   * written while the file system is full counted, and the next snapshot must report them.
   */
  @Test
  void aFullFileSystemLosesWholeLinesOnlyAndTheNextSnapshotCountsThem() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("tmpfs"));
    mountTinyTmpfs(mount);
    Path file = mount.resolve("out.jsonl");
    FileOutput out = new FileOutput(file, log);
    try {
      OperationRegistry registry = new OperationRegistry(10, n -> {});
      Monitor monitor =
          new Monitor(registry, List.of(out), Duration.ofHours(1), List.of(), false, false, log);
      monitor.writeSnapshot();
      // Up to 10 bytes short of the end of tmpfs's page (4 KiB): every later line needs a page
      // that the full file system no longer has and is written in part, up to the page's end.
      long page = Files.getFileStore(mount).getBlockSize();
      long full = page - 10;
      monitor.writeLine(padLine((int) (full - Files.size(file))));
      assertThat(Files.size(file)).isEqualTo(full);
      Path filler = mount.resolve("filler");
      fill(filler);

      int failed = 0;
      for (int i = 0; i < 5; i++) {
        monitor.writeLine(line("slow", i)); // an event
        Snapshot s = monitor.writeSnapshot();
        failed += 2;
        assertThat(s.agent().lostLines()).isEqualTo(failed - 1); // counted before its own write
        assertThat(Files.size(file)).isEqualTo(full); // the fragments were cut off
      }
      assertThat(out.lostLines()).isEqualTo(failed);
      assertThat(log.at("WARN")).hasSize(1);
      assertThat(log.at("WARN").get(0))
          .startsWith("cannot write to " + file + ": java.io.IOException: No space left on device");

      Files.delete(filler);
      monitor.writeLine(line("slow", 99));
      Snapshot after = monitor.writeSnapshot();
      assertThat(after.agent().lostLines()).isEqualTo(failed);
      assertThat(log.at("INFO"))
          .containsExactly("writing to " + file + " works again; " + failed + " line(s) were lost while it failed");
      monitor.close(); // writes the final snapshot

      assertThat(read(file)).endsWith("\n").doesNotContain("\0");
      List<Parsed> parsed = new ArrayList<>();
      for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        parsed.add(parse(l)); // fails on a merged or cut line
      }
      // the first snapshot, the padding, the event and snapshot written once the file system had
      // room again, the final snapshot
      assertThat(parsed)
          .extracting(Parsed::type)
          .containsExactly("snapshot", "pad", "slow", "snapshot", "snapshot");
      assertThat(parsed.get(0).lostLines()).isZero();
      assertThat(parsed.get(2).n()).isEqualTo(99);
      assertThat(parsed.get(3).lostLines()).isEqualTo(failed);
      assertThat(parsed.get(4).lostLines()).isEqualTo(failed);
    } finally {
      out.close(); // an open file would keep the mount busy
      String error = run("umount", mount.toString());
      if (error != null) {
        run("umount", "-l", mount.toString());
        fail(error);
      }
    }
  }

  /**
   * A full file system and an append-only file ({@code chattr +a}): the fragment of the line that
   * hit the limit cannot be cut off, so the next line written must start on a new line of its own.
   */
  @Test
  void whenTheFragmentCannotBeCutTheNextLineStartsOnANewLine() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("tmpfs"));
    mountTinyTmpfs(mount);
    Path file = mount.resolve("out.jsonl");
    FileOutput out = new FileOutput(file, log);
    try {
      long full = Files.getFileStore(mount).getBlockSize() - 10;
      out.write(padLine((int) full));
      String error = run("chattr", "+a", file.toString());
      assumeTrue(error == null, "this file system has no append-only attribute: " + error);
      fill(mount.resolve("filler"));

      out.write(line("lost", 1)); // 10 bytes written, the cut refused (append-only)
      out.write(line("lost", 2)); // nothing written
      assertThat(Files.size(file)).isEqualTo(full + 10);
      assertThat(out.lostLines()).isEqualTo(2);

      Files.delete(mount.resolve("filler"));
      out.write(line("slow", 3));
      out.close();

      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertThat(lines).hasSize(3);
      assertThat(parse(lines.get(0)).type()).isEqualTo("pad");
      assertThat(lines.get(1)).isEqualTo("{\"type\":\"l"); // the fragment, a line of its own
      assertThat(parse(lines.get(2)).n()).isEqualTo(3);
    } finally {
      out.close();
      run("chattr", "-a", file.toString());
      String error = run("umount", mount.toString());
      if (error != null) {
        run("umount", "-l", mount.toString());
        fail(error);
      }
    }
  }

  /** A JSON line of exactly {@code length} bytes. */
  private static byte[] padLine(int length) {
    String head = "{\"type\":\"pad\",\"x\":\"";
    String tail = "\"}\n";
    return (head + "x".repeat(length - head.length() - tail.length()) + tail)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void fill(Path filler) throws IOException {
    byte[] block = new byte[512];
    try (OutputStream o = Files.newOutputStream(filler)) {
      for (int i = 0; i < 1_000; i++) {
        o.write(block);
        o.flush();
      }
      fail("a 64 KiB tmpfs took 500 KiB");
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("No space left on device");
    }
  }

  /**
   * Mounts a 64 KiB tmpfs (needs root, as in the project's CI and build containers). Elsewhere the
   * test is skipped, but fails when the CI variable is set: there it must run.
   */
  private static void mountTinyTmpfs(Path mount) throws Exception {
    String error = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString());
    if (error != null) {
      String why = "cannot mount a tmpfs (the test needs root): " + error;
      if (System.getenv("CI") != null) {
        fail(why);
      }
      assumeTrue(false, why);
    }
  }

  /** Runs a command; null when it succeeded, else its output and exit status. */
  private static String run(String... command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.toString();
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + " did not end";
    }
    return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + output;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private record Parsed(String type, long n, long lostLines) {}

  /** Parses one line as one JSON object (fails on anything else) and picks a few fields. */
  private static Parsed parse(String line) throws IOException {
    String type = null;
    long n = -1;
    long lost = 0;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        fail("not a JSON object: " + line);
      }
      int depth = 1;
      String section = null;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          fail("cut line: " + line);
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (depth == 1) {
            section = p.currentName();
          }
          depth++;
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        } else if (t.isScalarValue()) {
          String name = p.currentName();
          if (depth == 1 && "type".equals(name)) {
            type = p.getText();
          } else if (depth == 1 && "n".equals(name)) {
            n = p.getLongValue();
          } else if (depth == 2 && "agent".equals(section) && "lostLines".equals(name)) {
            lost = p.getLongValue();
          }
        }
      }
      if (p.nextToken() != null) {
        fail("trailing content: " + line);
      }
    } catch (com.fasterxml.jackson.core.JsonParseException e) {
      throw new AssertionError("not whole JSON: " + line, e);
    }
    return new Parsed(type, n, lost);
  }
}
