package dev.perfmon.it.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.HeadlessChromium;
import dev.perfmon.it.support.Jdk;
import example.schema.SchemaApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code report --html} over two JVMs (JDK 17 and 25: servlet, JDBC, methods, slow calls, budget
 * violations, memory warnings), opened from a file in headless Chromium (DevTools protocol): every
 * chart is drawn (a uPlot canvas with painted pixels), the page logs no error or warning and throws
 * nothing, and it requests nothing but its own file. The screenshots are kept as
 * it-tests/target/report-html.png (the whole page) and report-html-top.png (the first 1,700 pixels,
 * copied to docs/images/report-html.png).
 */
class HtmlReportIT {
  private static ForkedJvm.Running start(Jdk jdk, Path dir) throws Exception {
    return ForkedJvm.builder(jdk)
        .mainClass(SchemaApp.class)
        .classpath(
            Path.of(System.getProperty("perfmon.it.tomcat9.jar")),
            Path.of(System.getProperty("perfmon.it.tomcat9.annotations.jar")))
        .workDir(dir)
        .agent(
            "methods=example.schema.SchemaApp$Work#*,interval=200ms,output.file=logs/perfmon.jsonl,"
                + "output.histograms=true,slow.threshold=50ms,very-slow.threshold=150ms,"
                + "budget.example.schema.*=1ms,memory.interval=50ms,memory.warn.heap-used=64MB")
        .start();
  }

  @Test
  void theHtmlReportDrawsItsChartsOfflineWithoutErrors() throws Exception {
    Path a = ForkedJvm.workDir("html-a");
    Path b = ForkedJvm.workDir("html-b");
    try (ForkedJvm.Running ja = start(Jdk.of("17"), a);
        ForkedJvm.Running jb = start(Jdk.of("25"), b)) {
      assertThat(ja.waitForExit(Duration.ofMinutes(2))).as(ja.describe()).isZero();
      assertThat(jb.waitForExit(Duration.ofMinutes(2))).as(jb.describe()).isZero();
    }
    Path dir = ForkedJvm.workDir("html-report");
    Path html = dir.resolve("out/report.html");
    try (ForkedJvm.Running report =
        ForkedJvm.builder(Jdk.of("17"))
            .jar(ForkedJvm.agentJar())
            .workDir(dir)
            .args("report", a.resolve("logs").toString(), b.resolve("logs").toString(), "--html", html.toString())
            .start()) {
      assertThat(report.waitForExit(Duration.ofSeconds(60))).as(report.describe()).isZero();
    }
    String page = Files.readString(html, StandardCharsets.UTF_8);
    // one file: no linked stylesheet, script or image (the browser check below proves no request)
    assertThat(page).doesNotContain("<link").doesNotContain("<script src").doesNotContain("<img");
    assertThat(page).contains("example.schema.SchemaApp$Work.slow").contains("over ");

    try (HeadlessChromium chrome = HeadlessChromium.start(1400, 1000)) {
      chrome.open(html.toUri().toString(), Duration.ofSeconds(2));
      int charts = chrome.evaluate("Number(document.body.getAttribute('data-charts'))").asInt();
      // eight charted operations at most, two charts each, plus events, heap and GC
      assertThat(charts).as("charts drawn").isGreaterThanOrEqualTo(5);
      JsonNode painted =
          chrome.evaluate(
              "Array.from(document.querySelectorAll('.uplot canvas')).map(function (c) {"
                  + " var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                  + " for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) n++; } return n; })");
      assertThat(painted.size()).isEqualTo(charts);
      for (JsonNode n : painted) {
        assertThat(n.asInt()).as("painted pixels of a chart").isGreaterThan(2000);
      }
      // the series themselves: one legend entry per JVM for the memory chart
      String legend = chrome.evaluate("document.body.innerText").asText();
      assertThat(legend).contains("heap used pid").contains("very slow call").contains("budget violation");
      assertThat(chrome.evaluate("document.querySelectorAll('.empty').length").asInt())
          .as("charts without data")
          .isZero();
      byte[] png = chrome.screenshot(1400, 6000);
      Path shot = Path.of(System.getProperty("perfmon.it.work", "target/it-work")).resolveSibling("report-html.png");
      Files.write(shot, png);
      // the top of the page, the size docs/images/report-html.png is taken at
      Files.write(shot.resolveSibling("report-html-top.png"), chrome.screenshot(1400, 1700));
      assertThat(chrome.errors()).as("console errors, exceptions, log errors").isEmpty();
      List<String> foreign = new ArrayList<>();
      for (String url : chrome.requests()) {
        if (!url.startsWith("file:")) {
          foreign.add(url);
        }
      }
      assertThat(foreign).as("requests to anything but the file").isEmpty();
      assertThat(chrome.requests()).contains(html.toUri().toString());
    }
  }
}
