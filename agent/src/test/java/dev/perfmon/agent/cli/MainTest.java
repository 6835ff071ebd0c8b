package dev.perfmon.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpAndVersionSucceed() {
    assertThat(run("help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("-javaagent:perfmon-agent.jar").contains("summary");
    assertThat(run("version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("perfmon-agent ");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("help");
    assertThat(run("summary")).isEqualTo(2);
  }

  @Test
  void summaryPrintsTheLastSnapshotSlowestFirst(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("s.jsonl");
    Files.writeString(f,
        "{\"type\":\"snapshot\",\"timestamp\":\"t1\",\"pid\":1,\"uptimeMs\":1000,\"operations\":{\"old\":{\"count\":1,\"p99\":1}}}\n"
            + "{\"type\":\"instrumentation\",\"patterns\":[]}\n"
            + "{\"type\":\"snapshot\",\"timestamp\":\"t2\",\"pid\":1,\"uptimeMs\":2000,\"operations\":{"
            + "\"fast.op\":{\"count\":10,\"errorCount\":1,\"avgDuration\":0.5,\"p50\":0.4,\"p95\":0.9,\"p99\":1.0,\"maxDuration\":1.2},"
            + "\"slow.op\":{\"count\":3,\"errorCount\":0,\"avgDuration\":50,\"p50\":50,\"p95\":60,\"p99\":61,\"maxDuration\":62}},"
            + "\"memory\":{\"heapUsed\":12.5,\"heapCommitted\":64,\"nonHeapUsed\":20,\"threads\":9}}\n");
    assertThat(run("summary", f.toString())).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("t2").doesNotContain("old");
    assertThat(text.indexOf("slow.op")).isLessThan(text.indexOf("fast.op"));
    assertThat(text).containsPattern("fast\\.op\\s+10\\s+1\\s+0\\.5000");
    assertThat(text).contains("heap 12.5 / 64.0 MB").contains("9 threads");
  }

  @Test
  void summaryFailuresSayWhatToDoInOneLine(@TempDir Path dir) throws Exception {
    String missing = dir.resolve("missing.jsonl").toString();
    assertThat(run("summary", missing)).isEqualTo(1);
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message.lines()).singleElement(STRING).contains("no file " + missing);
    assertThat(message.indexOf(missing)).isEqualTo(message.lastIndexOf(missing));
    err.reset();
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    assertThat(run("summary", empty.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING).contains("no snapshot");
    err.reset();
    Path cut = dir.resolve("cut.jsonl");
    Files.writeString(cut, "{\"type\":\"snapshot\",\"timestamp\":\"t1\",\"pid\":1,\"uptimeMs\":1000,\"operat");
    assertThat(run("summary", cut.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING).contains("line 1").contains("incomplete");
    assertThat(out.size()).isZero();
  }

  @Test
  void summarySkipsATruncatedLastLineAndShowsTheLastWholeSnapshot(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("s.jsonl");
    Files.writeString(f,
        """
        {"type":"snapshot","timestamp":"t1","pid":7,"uptimeMs":1000,"operations":{"a.op":{"count":1,"p99":1}}}
        {"type":"snapshot","timestamp":"t2","pid":7,"uptimeMs":2000,"operations":{"a.op":{"count":5,"p99":2}}}
        {"type":"slow","operation":"a.op"}
        {"type":"snapshot","timestamp":"t3","pid":7,"uptimeMs":3000,"operations":{"a.op":{"cou""");
    assertThat(run("summary", f.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("snapshot t2  pid 7").containsPattern("a\\.op\\s+5\\s");
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING)
        .contains("note: line 4").contains("incomplete").contains("line 2");
  }

  @Test
  void summaryReportsASnapshotWithoutTheExpectedFields(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("foreign.jsonl");
    Files.writeString(f, "{\"type\":\"snapshot\",\"operations\":{}}\n");
    assertThat(run("summary", f.toString())).isEqualTo(1);
    assertThat(out.size()).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement(STRING)
        .contains("line 1").contains("not a perfmon snapshot").contains("'timestamp', 'pid', 'uptimeMs'");
  }
}
