package dev.perfmon.agent.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.perfmon.agent.CapturingLogger;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.FileOutput;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    Recorders.clear();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ReportCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Writes snapshots of a real Monitor to a rotating FileOutput: operation "a" gets 1 ms calls,
   * "b" 10 ms calls with one error in ten, over {@code snapshots} snapshots.
   */
  private Path produce(String name, boolean histograms, int snapshots, long aNanos) {
    Path file = dir.resolve(name);
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    int a = registry.idOf("a");
    int b = registry.idOf("db.b");
    FileOutput out = new FileOutput(file, new CapturingLogger(), 4096, 100);
    Monitor m =
        new Monitor(registry, List.of(out), Duration.ofHours(1), List.of(), false, false, new CapturingLogger());
    m.setHistograms(histograms);
    for (int s = 0; s < snapshots; s++) {
      for (int i = 0; i < 100; i++) {
        PerfMon.recordNanos(a, aNanos, false);
      }
      for (int i = 0; i < 10; i++) {
        PerfMon.recordNanos(b, 10_000_000, i == 0);
      }
      m.writeSnapshot();
    }
    m.close(); // a final snapshot without calls
    Recorders.clear();
    return file;
  }

  @Test
  void mergesARotatedSetWithAGzipFileAndSkipsCorruptLines() throws Exception {
    Path file = produce("app.jsonl", true, 20, 500_000);
    assertThat(FileOutput.rotated(file, 1)).exists();
    // compress the oldest rotated file, like logrotate's compress
    int oldest = 1;
    while (Files.exists(FileOutput.rotated(file, oldest + 1))) {
      oldest++;
    }
    Path old = FileOutput.rotated(file, oldest);
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve(old.getFileName() + ".gz")))) {
      gz.write(Files.readAllBytes(old));
    }
    Files.delete(old);
    // a snapshot whose histogram is malformed: rejected whole, nothing of it merged
    String good = Files.readAllLines(FileOutput.rotated(file, 1)).get(0);
    String bad = good.replaceFirst("\"histogram\":\\[(\\d+),", "\"histogram\":[$1,0,");
    assertThat(bad).isNotEqualTo(good);
    Files.writeString(file, bad + "\n", StandardOpenOption.APPEND);

    Files.writeString(file, "{\"type\":\"snapshot\",\"timest\n", StandardOpenOption.APPEND);
    Files.writeString(file, "not json\n{\"type\":\"snapshot\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"operations\":{\"a\":{\"count\":1", StandardOpenOption.APPEND);

    Run r = run(dir.toString(), "--json");
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.err).contains("skipped 4 line(s)");
    Map<String, Object> json = flatten(r.out);
    assertThat(json.get("operations.a.count")).isEqualTo("2000");
    assertThat(json.get("operations.db.b.count")).isEqualTo("200");
    assertThat(json.get("operations.db.b.errorCount")).isEqualTo("20");
    assertThat(json.get("operations.a.p95")).isEqualTo("0.5"); // the bucket midpoint, clamped to the max
    assertThat(json.get("operations.a.percentiles")).isEqualTo("histogram");
    assertThat(json.get("percentiles")).isEqualTo("histograms");
    assertThat(json.get("corruptLines")).isEqualTo("4");
    assertThat(json.get("snapshots")).isEqualTo("21");

    Run table = run(file.getParent().toString(), "--width", "150");
    assertThat(table.code).isZero();
    String[] lines = table.out.lines().toArray(String[]::new);
    assertThat(lines[1]).startsWith("operation").contains("p95 ms");
    // sorted by total time: db.b (200 x 10 ms) before a (2000 x 0.5 ms)
    assertThat(lines[2]).startsWith("db.b ").contains(" 200 ").contains(" 10.00 ");
    assertThat(lines[3]).startsWith("a ").contains(" 2000 ");
    assertThat(table.out).contains("from merged histograms");
  }

  @Test
  void withoutHistogramsThePercentilesAreMarkedAsApproximations() throws Exception {
    produce("x.jsonl", false, 3, 2_000_000);
    Run r = run(dir.resolve("x.jsonl").toString());
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains("APPROXIMATIONS").contains("~2.00");
    Run j = run(dir.resolve("x.jsonl").toString(), "--json");
    assertThat(flatten(j.out).get("operations.a.percentiles")).isEqualTo("approximate");
  }

  @Test
  void byJvmScopeTopAndTimeRange() throws Exception {
    produce("one.jsonl", true, 2, 1_000_000);
    produce("two.jsonl", true, 2, 3_000_000);
    Run r = run(dir.toString(), "--json", "--by-jvm", "--scope", "a", "--top", "1");
    assertThat(r.code).as(r.err).isZero();
    Map<String, Object> json = flatten(r.out);
    assertThat(json.get("operations.a.count")).isEqualTo("400");
    assertThat(json).doesNotContainKey("operations.db.b.count");
    assertThat(json.get("jvms.0.operations.a.count")).isEqualTo("200");
    assertThat(json.get("jvms.1.operations.a.count")).isEqualTo("200");
    Run none = run(dir.toString(), "--since", "2000-01-01T00:00:00Z", "--until", "2000-01-02T00:00:00Z");
    assertThat(none.code).isEqualTo(1);
    assertThat(none.err).contains("no snapshot in the time range");
    Run recent = run(dir.toString(), "--since", "1h", "--json");
    assertThat(flatten(recent.out).get("operations.a.count")).isEqualTo("400");
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertThat(run().code).isEqualTo(2);
    assertThat(run("x", "--since", "yesterday").err).contains("--since 'yesterday': expected a duration");
    assertThat(run("x", "--top", "0").err).contains("--top '0': expected a positive whole number");
    assertThat(run("x", "--frobnicate").err).contains("unknown option --frobnicate");
    assertThat(run(dir.resolve("missing").toString()).code).isEqualTo(1);
  }

  /** The JSON document as path -> scalar text ("operations.a.count" -> "2000", arrays by index). */
  private static Map<String, Object> flatten(String json) throws IOException {
    Map<String, Object> out = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      walk(p, p.nextToken(), "", out);
    }
    return out;
  }

  private static void walk(JsonParser p, JsonToken t, String path, Map<String, Object> out)
      throws IOException {
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        walk(p, p.nextToken(), path.isEmpty() ? name : path + "." + name, out);
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      JsonToken n;
      while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
        walk(p, n, path + "." + i++, out);
      }
    } else {
      out.put(path, p.getText());
    }
  }
}
