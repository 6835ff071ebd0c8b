package dev.perfmon.it.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.report.LatencyApp;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs (JDK 17 and 25) with different, known latency distributions write with {@code
 * output.histograms=true} (one of them rotating its file, one rotated file then gzip-compressed);
 * {@code report} over both must give a merged p95 (and p50, p99) within 1.5 % of the exact
 * percentile of all their calls together, which the applications measured themselves, and exact
 * counts. Also checks {@code output.latest}: the latest snapshot alone, pretty-printed.
 */
class ReportIT {
  private static final String OP = "example.report.LatencyApp$Work.call";
  private static final int CALLS = 2000;

  private static ForkedJvm.Running start(Jdk jdk, Path dir, String mode, String extra) throws Exception {
    return ForkedJvm.builder(jdk)
        .mainClass(LatencyApp.class)
        .workDir(dir)
        .agent(
            "methods=example.report.LatencyApp$Work#call,interval=200ms,output.histograms=true,"
                + "output.file=logs/perfmon.jsonl"
                + extra)
        .args(mode, Integer.toString(CALLS), "8", "durations.txt")
        .start();
  }

  @Test
  void mergedPercentilesOfTwoJvmsAreWithinOnePercentOfTheExactOnes() throws Exception {
    Path a = ForkedJvm.workDir("report-a");
    Path b = ForkedJvm.workDir("report-b");
    try (ForkedJvm.Running ja = start(Jdk.of("17"), a, "uniform", ",output.latest=latest/now.json");
        ForkedJvm.Running jb = start(Jdk.of("25"), b, "bimodal", ",output.max-size=8KB,output.max-files=100")) {
      assertThat(ja.waitForExit(Duration.ofMinutes(2))).as(ja.describe()).isZero();
      assertThat(jb.waitForExit(Duration.ofMinutes(2))).as(jb.describe()).isZero();
      assertThat(ja.stderr()).doesNotContain("[WARN]");
      assertThat(jb.stderr()).doesNotContain("[WARN]");
    }
    // JVM b rotated its file; compress its oldest rotated file as logrotate would
    Path rotated1 = b.resolve("logs/perfmon.jsonl.1");
    assertThat(rotated1).exists();
    Path oldest = rotated1;
    for (int i = 2; Files.exists(b.resolve("logs/perfmon.jsonl." + i)); i++) {
      oldest = b.resolve("logs/perfmon.jsonl." + i);
    }
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(Path.of(oldest + ".gz")))) {
      gz.write(Files.readAllBytes(oldest));
    }
    Files.delete(oldest);

    // output.latest: the final snapshot alone, pretty-printed, counting every call
    Path latest = a.resolve("latest/now.json");
    String latestText = Files.readString(latest, StandardCharsets.UTF_8);
    assertThat(latestText).startsWith("{\n  \"type\" : \"snapshot\",");
    JsonNode latestJson = new ObjectMapper().readTree(latestText);
    assertThat(latestJson.path("operations").path(OP).path("count").asLong()).isEqualTo(CALLS);
    assertThat(AgentOutput.read(a.resolve("logs/perfmon.jsonl")).snapshots()).hasSizeGreaterThan(2);

    long[] all = new long[2 * CALLS];
    int n = 0;
    for (Path d : List.of(a, b)) {
      for (String line : Files.readAllLines(d.resolve("durations.txt"))) {
        all[n++] = Long.parseLong(line.trim());
      }
    }
    assertThat(n).isEqualTo(2 * CALLS);
    Arrays.sort(all);

    Path dir = ForkedJvm.workDir("report-run");
    try (ForkedJvm.Running report =
        ForkedJvm.builder(Jdk.of("17"))
            .jar(ForkedJvm.agentJar())
            .workDir(dir)
            .args("report", a.resolve("logs").toString(), b.resolve("logs").toString(), "--json")
            .start()) {
      assertThat(report.waitForExit(Duration.ofSeconds(60))).as(report.describe()).isZero();
      JsonNode json = new ObjectMapper().readTree(report.stdout());
      JsonNode op = json.path("operations").path(OP);
      assertThat(op.path("count").asLong()).as(report.stdout()).isEqualTo(2L * CALLS);
      assertThat(op.path("errorCount").asLong()).isEqualTo(2L * CALLS / 50);
      assertThat(op.path("percentiles").asText()).isEqualTo("histogram");
      assertThat(json.path("jvms")).hasSize(2);
      assertThat(json.path("corruptLines").asLong()).isZero();
      List<String> checked = new ArrayList<>();
      for (String[] q : new String[][] {{"p50", "0.50"}, {"p95", "0.95"}, {"p99", "0.99"}}) {
        double exactMs = all[(int) Math.ceil(Double.parseDouble(q[1]) * all.length) - 1] / 1e6;
        double reported = op.path(q[0]).asDouble();
        checked.add(q[0] + " exact " + exactMs + " reported " + reported);
        // The histograms hold within 0.78 % of what the agent measured; the reference here is what
        // the application measured inside the method, and a thread preempted between that and the
        // method's return (CI runs the ITs on two busy cores) shifts the agent's rank order a little:
        // once 1.2 % off at p95 in a CI run, 0.1-0.4 % in quiet runs.
        assertThat(Math.abs(reported - exactMs) / exactMs)
            .as("%s: exact %.6f ms, report %.6f ms", q[0], exactMs, reported)
            .isLessThanOrEqualTo(0.015);
      }
      assertThat(op.path("maxDuration").asDouble()).isGreaterThanOrEqualTo(all[all.length - 1] / 1e6);
      System.out.println("ReportIT: " + checked);
    }

    // the table: fitted to 100 columns, the operation's row with its counts
    try (ForkedJvm.Running table =
        ForkedJvm.builder(Jdk.of("17"))
            .jar(ForkedJvm.agentJar())
            .workDir(dir)
            .args("report", a.resolve("logs").toString(), b.resolve("logs").toString(), "--width", "100", "--by-jvm")
            .start()) {
      assertThat(table.waitForExit(Duration.ofSeconds(60))).as(table.describe()).isZero();
      String out = table.stdout();
      for (String line : out.lines().toList()) {
        if (line.startsWith("example.") || line.startsWith("operation")) {
          assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
        }
      }
      assertThat(out).contains(" " + (2 * CALLS) + " ").contains("from merged histograms").contains("2 JVM(s)");
    }
  }
}
