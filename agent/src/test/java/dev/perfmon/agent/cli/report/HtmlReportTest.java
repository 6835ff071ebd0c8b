package dev.perfmon.agent.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  @TempDir Path dir;

  @Test
  void theUplotResourcesAreOnTheClassPath() throws Exception {
    assertThat(HtmlReport.resource("uPlot.iife.min.js")).contains("uPlot");
    assertThat(HtmlReport.resource("uPlot.min.css")).contains(".uplot");
    assertThat(HtmlReport.resource("LICENSE")).contains("MIT");
  }

  @Test
  void operationNamesCannotBreakOutOfThePage() throws Exception {
    Path file = dir.resolve("x.jsonl");
    String evil = "</script><img src=x onerror=alert(1)>";
    Files.writeString(
        file,
        "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-29T10:00:00Z\",\"pid\":1,\"uptimeMs\":1000,"
            + "\"intervalMs\":1000,\"operations\":{\"" + evil.replace("\"", "\\\"") + "\":{\"count\":1,"
            + "\"successCount\":1,\"errorCount\":0,\"avgDuration\":1,\"minDuration\":1,\"maxDuration\":1,"
            + "\"p50\":1,\"p90\":1,\"p95\":1,\"p99\":1,\"p999\":1,\"interval\":{\"count\":1,\"successCount\":1,"
            + "\"errorCount\":0,\"avgDuration\":1,\"minDuration\":1,\"maxDuration\":1,\"p50\":1,\"p90\":1,"
            + "\"p95\":1,\"p99\":1,\"p999\":1,\"histogram\":[1983,1]}}},\"agent\":{}}\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("r/report.html");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ReportCommand.run(
            new String[] {file.toString(), "--html", out.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(html).doesNotContain(evil).contains("&lt;/script&gt;&lt;img src=x");
    assertThat(html).contains("<\\/script><img src=x"); // inside the JSON data block
    assertThat(html.split("</script>", -1)).hasSize(4); // data, uPlot, ours: three script ends
    try (var s = Files.list(out.getParent())) {
      assertThat(s.toList()).containsExactly(out); // no temporary file left
    }
  }
}
