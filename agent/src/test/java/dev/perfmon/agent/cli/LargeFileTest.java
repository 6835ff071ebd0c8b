package dev.perfmon.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code summary} and {@code csv} read a file many times larger than their heap: each runs in a
 * forked JVM with {@code -Xmx16m} on a generated file of 512 MB (32 times the heap; reading it
 * whole, as {@code summary} once did, fails with OutOfMemoryError), whose last line is cut short as
 * in a file being written.
 */
class LargeFileTest {
  private static final long SIZE = 512L << 20;
  private static final String HEAP = "-Xmx16m";

  @TempDir static Path dir;
  private static Path file;
  private static long snapshots;

  @BeforeAll
  static void generate() throws Exception {
    file = dir.resolve("large.jsonl");
    StringBuilder ops = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      ops.append(i == 0 ? "" : ",").append("\"jdbc.SELECT t").append(i).append(" WHERE id = ?\":{\"count\":").append(i + 1)
          .append(",\"errorCount\":0,\"avgDuration\":1.5,\"maxDuration\":9.0,\"p50\":1.0,\"p90\":2.0,\"p95\":3.0,\"p99\":")
          .append(i).append(".5,\"interval\":{\"count\":1,\"errorCount\":0,\"avgDuration\":1.25,\"maxDuration\":4.5,\"p50\":0.5,")
          .append("\"p90\":1.0,\"p95\":2.0,\"p99\":4.0}}");
    }
    // A block of many snapshot lines, written again and again with the same bytes: fast to generate.
    StringBuilder block = new StringBuilder();
    int perBlock = 0;
    while (block.length() < (4 << 20)) {
      block.append(String.format(Locale.ROOT, "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"pid\":42,\"uptimeMs\":%d,", 1000L * perBlock))
          .append("\"intervalMs\":1000,\"operations\":{").append(ops).append("}}\n")
          .append("{\"type\":\"slow\",\"operation\":\"jdbc.SELECT t1 WHERE id = ?\",\"durationMs\":12}\n");
      perBlock++;
    }
    ByteBuffer bytes = ByteBuffer.wrap(block.toString().getBytes(StandardCharsets.UTF_8));
    String last = "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-27T11:00:00Z\",\"pid\":42,\"uptimeMs\":99999999,"
        + "\"operations\":{\"the.last.line\":{\"cou";
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (ch.size() < SIZE) {
        bytes.rewind();
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        snapshots += perBlock;
      }
      ch.write(ByteBuffer.wrap(last.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static Process fork(Path stdout, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP, "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(new File(stdout + ".err"))
        .start();
  }

  private static String finish(Process p, Path stdout) throws Exception {
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("finished within 3 minutes").isTrue();
    String err = Files.readString(Path.of(stdout + ".err"), StandardCharsets.UTF_8);
    assertThat(err).doesNotContain("OutOfMemoryError");
    assertThat(p.exitValue()).as(err).isZero();
    return err;
  }

  @Test
  void summaryStreamsALargeFileAndSkipsItsCutLastLine() throws Exception {
    assertThat(Files.size(file)).isGreaterThanOrEqualTo(SIZE);
    Path out = dir.resolve("summary.out");
    String err = finish(fork(out, "summary", file.toString()), out);
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(text).contains("pid 42").contains("jdbc.SELECT t59 WHERE id = ?").doesNotContain("the.last.line");
    assertThat(err).contains("incomplete");
  }

  @Test
  void csvStreamsALargeFile() throws Exception {
    Path out = dir.resolve("csv.out");
    finish(fork(out, "csv", file.toString(), "jdbc.SELECT t7 *"), out);
    try (var lines = Files.lines(out, StandardCharsets.UTF_8)) {
      // The header and one row per whole snapshot; the cut last line is skipped.
      assertThat(lines.count()).isEqualTo(snapshots + 1);
    }
  }
}
