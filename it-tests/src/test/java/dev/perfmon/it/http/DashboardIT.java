package dev.perfmon.it.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.AttachTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of a real monitored JVM in a real headless Chromium, driven through the DevTools
 * protocol: the four charts draw from live data and update, the table lists the operations
 * slowest first, the scope filter works, the console shows no error, and every request the page
 * makes goes to the agent's own loopback address. A screenshot is kept as
 * {@code it-tests/target/dashboard.png}.
 */
class DashboardIT {
  private static final String CALC = "example.attach.AttachTarget$Calc";

  private static JsonNode waitFor(Cdp cdp, String expression, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    JsonNode v = null;
    while (System.nanoTime() < end) {
      v = cdp.eval(expression);
      if (v.asBoolean(false)) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(expression + " never became true; last " + v);
  }

  @Test
  void chartsDrawFromLiveDataUpdateAndStayOnLoopback() throws Exception {
    Jdk jdk = Jdk.all().get(Jdk.all().size() - 1);
    Path dir = ForkedJvm.workDir("dashboard");
    try (ForkedJvm.Running jvm =
            ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("180")
                .agent("methods=" + CALC + "#work;" + CALC + "#other,interval=1s,output.file=" + dir.resolve("s.jsonl") + ",http.port=0")
                .start();
        Cdp cdp = Cdp.start(dir)) {
      String url = MetricsIT.endpoint(jvm.pid());
      String origin = url.substring(0, url.length() - 1);
      cdp.send("Network.enable", Map.of());
      cdp.send("Runtime.enable", Map.of());
      cdp.send("Log.enable", Map.of());
      cdp.send("Page.enable", Map.of());
      cdp.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1400, "height", 1150, "deviceScaleFactor", 1, "mobile", false));
      Thread.sleep(3000); // a few snapshots into the history first
      cdp.send("Page.navigate", Map.of("url", url));

      waitFor(cdp, "!!(window.perfmonDashboard && window.perfmonDashboard.updates >= 1 && window.perfmonDashboard.points >= 2)", Duration.ofSeconds(60));
      int updates = cdp.eval("window.perfmonDashboard.updates").asInt();
      int points = cdp.eval("window.perfmonDashboard.points").asInt();
      // Live: new snapshots arrive every second and the page redraws every two.
      waitFor(cdp, "window.perfmonDashboard.updates >= " + (updates + 2) + " && window.perfmonDashboard.points > " + points, Duration.ofSeconds(60));

      assertThat(cdp.eval("document.querySelectorAll('.chart canvas').length").asInt()).isEqualTo(4);
      // Each chart's canvas holds drawn pixels, and its data came from the agent.
      String drawn =
          "Array.from(document.querySelectorAll('.chart canvas')).map(c => {"
              + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
              + " for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++; return n; })";
      JsonNode pixels = cdp.eval(drawn);
      for (JsonNode n : pixels) {
        assertThat(n.asInt()).as("painted pixels per chart: %s", pixels).isGreaterThan(500);
      }
      JsonNode throughput = cdp.eval("window.perfmonDashboard.plots.throughput.data[1].slice(-3)");
      assertThat(throughput.size()).isEqualTo(3);
      for (JsonNode v : throughput) {
        assertThat(v.asDouble()).as("calls/s of the scope %s", throughput).isPositive();
      }
      JsonNode p95 = cdp.eval("window.perfmonDashboard.plots.latency.data[2].filter(v => v !== null).length");
      assertThat(p95.asInt()).as("p95 points of the selected operation").isGreaterThanOrEqualTo(2);

      // The table: both operations, slowest (by p95) first.
      JsonNode rows = cdp.eval("Array.from(document.querySelectorAll('#ops tbody tr')).map(r => [r.cells[0].textContent, parseFloat(r.cells[7].textContent)])");
      assertThat(rows.size()).isEqualTo(2);
      List<String> names = new ArrayList<>();
      rows.forEach(r -> names.add(r.get(0).asText()));
      assertThat(names).containsExactlyInAnyOrder(CALC + ".work", CALC + ".other");
      assertThat(rows.get(0).get(1).asDouble()).isGreaterThanOrEqualTo(rows.get(1).get(1).asDouble());

      Path shot = dir.getParent().getParent().resolve("dashboard.png");
      JsonNode png = cdp.send("Page.captureScreenshot", Map.of("format", "png"));
      Files.write(shot, Base64.getDecoder().decode(png.path("data").asText()));
      assertThat(Files.size(shot)).isGreaterThan(10_000);

      // The scope filter: a scope with no operation empties the table; a prefix brings them back.
      cdp.eval("document.getElementById('scope').value = 'nothing'; document.getElementById('scope-form').requestSubmit(); true");
      waitFor(cdp, "document.querySelectorAll('#ops tbody tr').length === 0", Duration.ofSeconds(30));
      cdp.eval("document.getElementById('scope').value = 'example.attach'; document.getElementById('scope-form').requestSubmit(); true");
      waitFor(cdp, "document.querySelectorAll('#ops tbody tr').length === 2", Duration.ofSeconds(30));

      List<String> requested = new ArrayList<>();
      for (JsonNode e : cdp.events("Network.requestWillBeSent")) {
        requested.add(e.path("request").path("url").asText());
      }
      assertThat(requested).isNotEmpty().contains(url, origin + "/uplot.min.js", origin + "/dashboard.js");
      assertThat(requested).as("no request leaves the agent's loopback origin").allMatch(u -> u.startsWith(origin + "/") || u.startsWith("data:"));
      List<JsonNode> problems = new ArrayList<>(cdp.events("Runtime.exceptionThrown"));
      for (JsonNode c : cdp.events("Runtime.consoleAPICalled")) {
        if (c.path("type").asText().equals("error") || c.path("type").asText().equals("warning")) {
          problems.add(c);
        }
      }
      for (JsonNode l : cdp.events("Log.entryAdded")) {
        if (l.path("entry").path("level").asText().equals("error")) {
          problems.add(l);
        }
      }
      assertThat(problems).as("console errors").isEmpty();
      assertThat(jvm.stderr()).doesNotContain("[ERROR]");
    }
  }
}
