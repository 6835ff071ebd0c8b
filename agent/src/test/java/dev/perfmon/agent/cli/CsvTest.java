package dev.perfmon.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static String op(long count, long errors, double p99, long intervalCount, double intervalP99) {
    return "{\"count\":" + count + ",\"successCount\":" + (count - errors) + ",\"errorCount\":" + errors
        + ",\"avgDuration\":1.5,\"minDuration\":0.2,\"maxDuration\":9.0,\"p50\":1.0,\"p90\":2.0,\"p95\":3.0,\"p99\":" + p99
        + ",\"p999\":8.0,\"interval\":{\"count\":" + intervalCount + ",\"successCount\":" + intervalCount + ",\"errorCount\":0"
        + ",\"avgDuration\":" + (intervalCount > 0 ? "1.25" : "0") + ",\"minDuration\":0,\"maxDuration\":" + (intervalCount > 0 ? "4.5" : "0")
        + ",\"p50\":0.5,\"p90\":1.0,\"p95\":2.0,\"p99\":" + intervalP99 + ",\"p999\":4.5}}";
  }

  private static Path file(Path dir) throws Exception {
    Path f = dir.resolve("s.jsonl");
    Files.writeString(
        f,
        "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"pid\":1,\"uptimeMs\":30000,\"intervalMs\":30000,"
            + "\"operations\":{\"jdbc.SELECT users\":" + op(10, 1, 5.0, 10, 4.0) + ",\"GET /orders/{id}\":" + op(4, 0, 2.0, 4, 2.0) + "},"
            + "\"memory\":{\"heapUsed\":100.5,\"heapCommitted\":256,\"heapMax\":1024,\"nonHeapUsed\":40.25,\"rss\":300,"
            + "\"gc\":{\"G1 Young Generation\":{\"count\":3,\"timeMs\":12},\"G1 Old Generation\":{\"count\":1,\"timeMs\":30}},\"threads\":20},"
            + "\"agent\":{}}\n"
            + "{\"type\":\"slow\",\"operation\":\"jdbc.SELECT users\"}\n"
            + "{\"type\":\"instrumentation\",\"patterns\":[]}\n"
            + "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-27T10:00:30Z\",\"pid\":1,\"uptimeMs\":60000,\"intervalMs\":30000,"
            + "\"operations\":{\"jdbc.SELECT users\":" + op(10, 1, 5.0, 0, 0) + ",\"GET /orders/{id}\":" + op(7, 0, 2.5, 3, 3.0) + "},"
            + "\"memory\":{\"heapUsed\":120,\"heapCommitted\":256,\"heapMax\":1024,\"nonHeapUsed\":41,\"gc\":{},\"threads\":21,\"processCpuLoad\":0.125},"
            + "\"agent\":{}}\n"
            + "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-27T10:01:00Z\",\"operations\":{\"trunc");
    return f;
  }

  @Test
  void oneRowPerSnapshotAndOperationWithTheIntervalFigures(@TempDir Path dir) throws Exception {
    assertThat(run("csv", file(dir).toString())).isZero();
    assertThat(lines())
        .containsExactly(
            Csv.OPERATIONS_HEADER,
            "2026-11-27T10:00:00Z,30,jdbc.SELECT users,10,0,1.25,0.5,1,2,4,4.5,10,1,5",
            "2026-11-27T10:00:00Z,30,GET /orders/{id},4,0,1.25,0.5,1,2,2,4.5,4,0,2",
            "2026-11-27T10:00:30Z,60,jdbc.SELECT users,0,0,,,,,,,10,1,5",
            "2026-11-27T10:00:30Z,60,GET /orders/{id},3,0,1.25,0.5,1,2,3,4.5,7,0,2.5");
  }

  @Test
  void globsSelectOperations(@TempDir Path dir) throws Exception {
    assertThat(run("csv", file(dir).toString(), "jdbc.*")).isZero();
    assertThat(lines()).hasSize(3).allMatch(l -> l.startsWith("timestamp") || l.contains(",jdbc.SELECT users,"));
  }

  @Test
  void memoryRowsSumTheCollectors(@TempDir Path dir) throws Exception {
    assertThat(run("csv", "--memory", file(dir).toString())).isZero();
    assertThat(lines())
        .containsExactly(
            Csv.MEMORY_HEADER,
            "2026-11-27T10:00:00Z,30,100.5,256,1024,40.25,300,20,,4,42",
            "2026-11-27T10:00:30Z,60,120,256,1024,41,,21,0.125,0,0");
  }

  @Test
  void textWithCommasOrQuotesIsQuoted() {
    assertThat(Csv.field("jdbc.SELECT a, b FROM t")).isEqualTo("\"jdbc.SELECT a, b FROM t\"");
    assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.field("plain")).isEqualTo("plain");
    assertThat(Csv.number(0.000123)).isEqualTo("0.000123");
    assertThat(Csv.number(1234567.0)).isEqualTo("1234567");
  }

  @Test
  void mistakesAreReported(@TempDir Path dir) {
    assertThat(run("csv")).isEqualTo(2);
    assertThat(run("csv", "--memory", "x.jsonl", "jdbc.*")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: csv");
  }

  @Test
  void aMissingFileWritesNothingToStdoutAndNamesThePathOnce(@TempDir Path dir) {
    String missing = dir.resolve("missing.jsonl").toString();
    assertThat(run("csv", missing)).isEqualTo(1);
    assertThat(out.size()).isZero();
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message.lines()).hasSize(1);
    assertThat(message).contains("no file " + missing);
    assertThat(message.indexOf(missing)).isEqualTo(message.lastIndexOf(missing));
  }

  @Test
  void aFileWithoutSnapshotsFailsInOneLineWithoutAHeader(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("events.jsonl");
    Files.writeString(f, "{\"type\":\"slow\",\"operation\":\"x\"}\n{\"type\":\"snapshot\",\"timestamp\":\"t\",\"operat");
    assertThat(run("csv", f.toString())).isEqualTo(1);
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING).contains("no snapshot in " + f);
  }

  @Test
  void globsMatchingNothingFailInOneLineWithoutAHeader(@TempDir Path dir) throws Exception {
    assertThat(run("csv", file(dir).toString(), "http.*", "nothing*")).isEqualTo(1);
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING)
        .contains("no operation in").contains("matches http.* nothing*");
  }

  @Test
  void memoryRowsNeedMemoryReadings(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("nomem.jsonl");
    Files.writeString(f, "{\"type\":\"snapshot\",\"timestamp\":\"t\",\"pid\":1,\"uptimeMs\":1,\"operations\":{}}\n");
    assertThat(run("csv", "--memory", f.toString())).isEqualTo(1);
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING).contains("no memory readings");
  }
}
