package dev.perfmon.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import dev.perfmon.agent.output.TestOutputs;

import dev.perfmon.agent.CapturingLogger;
import dev.perfmon.agent.events.Json;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigLoader;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint on the JDK's real HTTP server, in this JVM, against a real monitor. */
class HttpServiceTest {
  private static final Output NONE =
      TestOutputs.NONE;

  private final CapturingLogger log = new CapturingLogger();
  private final OperationRegistry registry = new OperationRegistry(100, n -> {});
  private final Monitor monitor =
      new Monitor(registry, List.of(NONE), Duration.ofHours(1), List.of(), false, false, log);
  private final HttpService http = new HttpService(new dev.perfmon.agent.monitor.LiveStats(() -> monitor, true), log);
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    http.stop();
    monitor.close();
    Recorders.clear();
  }

  private String start(String args) throws InterruptedException {
    AgentConfig c = ConfigLoader.load(args, Map.of(), Map.of(), null);
    assertThat(c.problems()).isEmpty();
    http.apply(HttpSettings.of(c), monitor, Duration.ZERO);
    monitor.start();
    long end = System.nanoTime() + 10_000_000_000L;
    while (http.url().isEmpty() && System.nanoTime() < end && log.at("WARN").isEmpty()) {
      Thread.sleep(10);
    }
    return http.url();
  }

  private HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status line of a request sent as raw bytes (a URI the HTTP client refuses to send). */
  private static String rawStatusLine(String url, String target) throws IOException {
    URI u = URI.create(url);
    try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  private static Map<String, Object> json(HttpResponse<String> r) {
    return Json.object(r.body().getBytes(StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> operations(HttpResponse<String> r) {
    return (Map<String, Object>) json(r).get("operations");
  }

  @Test
  void statsAnswersTheSnapshotShapeWithScopesAndNeverA500() throws Exception {
    for (String n : List.of("api", "api.orders", "apix", "jdbc.select \"x\"")) {
      int id = registry.idOf(n);
      for (int i = 0; i < 3; i++) {
        PerfMon.recordNanos(id, 2_000_000, i == 0);
      }
    }
    String url = start("http.port=0");
    assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/");
    assertThat(log.at("INFO")).anyMatch(l -> l.contains("HTTP endpoint on " + url));

    HttpResponse<String> all = get(url + "stats");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("Content-Type")).contains("application/json");
    Map<String, Object> body = json(all);
    assertThat(body).containsEntry("type", "snapshot").containsKeys("timestamp", "pid", "uptimeMs", "intervalMs", "operations", "agent");
    assertThat(operations(all)).containsOnlyKeys("api", "api.orders", "apix", "jdbc.select \"x\"");
    @SuppressWarnings("unchecked")
    Map<String, Object> orders = (Map<String, Object>) operations(all).get("api.orders");
    assertThat(orders).containsEntry("count", 3.0).containsEntry("errorCount", 1.0).containsKey("interval");

    assertThat(operations(get(url + "stats?scope=api"))).containsOnlyKeys("api", "api.orders");
    assertThat(operations(get(url + "stats?operation=apix"))).containsOnlyKeys("apix");
    assertThat(operations(get(url + "stats?operation=jdbc.select%20%22x%22"))).containsOnlyKeys("jdbc.select \"x\"");
    assertThat(operations(get(url + "stats?scope=api&operation=apix"))).isEmpty();
    for (String q : List.of("scope=", "scope=nothing", "operation=", "unknown=1", "scope", "&&", "scope=api&scope=x")) {
      HttpResponse<String> r = get(url + "stats?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(200);
      assertThat(json(r)).as(q).containsKey("operations");
    }
    assertThat(rawStatusLine(url, "/stats?scope=%zz")).contains(" 400 ");
    assertThat(rawStatusLine(url, "/stats?scope=%E2%82")).contains(" 200 ");
    assertThat(get(url + "nothing-here").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        client.send(HttpRequest.newBuilder(URI.create(url + "stats")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void statsDoesNotDisturbThePeriodicSnapshot() throws Exception {
    int id = registry.idOf("op");
    PerfMon.recordNanos(id, 1_000, false);
    String url = start("http.port=0");
    for (int i = 0; i < 3; i++) {
      assertThat(get(url + "stats").statusCode()).isEqualTo(200);
    }
    assertThat(monitor.writeSnapshot().operations().get(0).interval().count()).isEqualTo(1);
  }

  @Test
  void withATokenEveryPathNeedsTheBearerHeader() throws Exception {
    String url = start("http.port=0,http.token=t0k3n-secret");
    for (String path : List.of("", "stats", "metrics", "nothing", "stats?scope=api")) {
      HttpResponse<String> r = get(url + path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).contains("Bearer realm=\"perfmon\"");
      assertThat(get(url + path, "Authorization", "Bearer wrong").statusCode()).as(path).isEqualTo(401);
      assertThat(get(url + path, "Authorization", "t0k3n-secret").statusCode()).as(path).isEqualTo(401);
    }
    assertThat(get(url + "stats", "Authorization", "Bearer t0k3n-secret").statusCode()).isEqualTo(200);
    assertThat(get(url + "metrics", "Authorization", "Bearer t0k3n-secret").statusCode()).isEqualTo(200);
    assertThat(log.lines()).noneMatch(l -> l.contains("t0k3n"));
  }

  @Test
  void aTakenPortIsOneLineAndStopFreesThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String url = start("http.port=" + taken.getLocalPort());
      assertThat(url).isEmpty();
      assertThat(log.at("WARN")).hasSize(1);
      assertThat(log.at("WARN").get(0)).contains("not started", "port is already in use", String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void stopFreesThePortAndTheServerThreadsAreDaemons() throws Exception {
    String url = start("http.port=0");
    int port = URI.create(url).getPort();
    assertThat(get(url + "stats").statusCode()).isEqualTo(200);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("perfmon-http") || t.getName().startsWith("HTTP-Dispatcher")) {
        assertThat(t.isDaemon()).as(t.getName()).isTrue();
      }
    }
    http.stop();
    assertThat(http.url()).isEmpty();
    try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aNonLoopbackAddressWithoutATokenWarns() throws Exception {
    String url = start("http.port=0,http.host=0.0.0.0");
    assertThat(url).startsWith("http://0.0.0.0:");
    assertThat(log.at("WARN")).anyMatch(l -> l.contains("not a loopback address") && l.contains("http.token"));
  }

  @Test
  void theDashboardAndItsAssetsComeFromTheAgentAndTheHistoryFromTheSnapshots() throws Exception {
    int id = registry.idOf("api.orders");
    String url = start("http.port=0");
    HttpResponse<String> page = get(url);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
    assertThat(page.body()).contains("uplot.min.js", "dashboard.js").doesNotContain("http://", "https://");
    HttpResponse<String> uplot = get(url + "uplot.min.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.body()).contains("uPlot").hasSizeGreaterThan(40_000);
    assertThat(get(url + "uplot.min.css").statusCode()).isEqualTo(200);
    assertThat(get(url + "dashboard.js").body()).contains("perfmonDashboard");
    assertThat(get(url + "uplot-LICENSE.txt").body()).contains("MIT");

    for (int round = 0; round < 3; round++) {
      for (int i = 0; i <= round; i++) {
        PerfMon.recordNanos(id, 3_000_000, i == 0);
      }
      monitor.writeSnapshot();
    }
    Map<String, Object> h = json(get(url + "history?scope=api&operation=api.orders"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> points = (List<Map<String, Object>>) h.get("points");
    assertThat(points).hasSize(3);
    assertThat(points).extracting(p -> p.get("calls")).containsExactly(1.0, 2.0, 3.0);
    assertThat(points).extracting(p -> p.get("errors")).containsExactly(1.0, 1.0, 1.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> op = (Map<String, Object>) points.get(2).get("op");
    assertThat((Double) op.get("p95")).isBetween(2.97, 3.03);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> none = (List<Map<String, Object>>) json(get(url + "history?scope=jdbc")).get("points");
    assertThat(none).extracting(p -> p.get("calls")).containsExactly(0.0, 0.0, 0.0);
  }

  @Test
  void theHistoryIsBounded() {
    History history = new History();
    history.intervalIs(Duration.ofSeconds(10)); // an hour: 360 points
    for (int i = 0; i < 1_000; i++) {
      history.add(new History.Point(i, 10_000, 1, 0, 0, 1, 0, Map.of()));
    }
    List<History.Point> pts = history.points(p -> true);
    assertThat(pts).hasSize(360);
    assertThat(pts.get(0).timeMillis()).isEqualTo(640);
    assertThat(pts.get(359).timeMillis()).isEqualTo(999);
    history.intervalIs(Duration.ofMillis(100)); // capped at MAX_POINTS
    for (int i = 0; i < 1_000; i++) {
      history.add(new History.Point(i, 100, 1, 0, 0, 1, 0, Map.of()));
    }
    assertThat(history.points(p -> true)).hasSize(History.MAX_POINTS);
  }

  @Test
  void anAddressThatCannotBeBoundOrResolvedIsOneLine() throws Exception {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: bind fails, nothing is sent.
    assertThat(start("http.port=0,http.host=192.0.2.1")).isEmpty();
    assertThat(log.at("WARN")).hasSize(1);
    assertThat(log.at("WARN").get(0)).contains("not started", "192.0.2.1", "the address cannot be bound", "everything else goes on");
  }

  @Test
  void anUnknownHostIsOneLine() throws Exception {
    assertThat(start("http.port=0,http.host=no-such-host.invalid")).isEmpty();
    assertThat(log.at("WARN")).hasSize(1);
    assertThat(log.at("WARN").get(0)).contains("not started", "cannot resolve http.host=no-such-host.invalid");
  }
}
