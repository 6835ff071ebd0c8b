package dev.perfmon.it.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus ({@code /usr/bin/prometheus}, started here on a free loopback port with its
 * own configuration and storage) scrapes two monitored JVMs (JDK 17 and 25 where both exist) that
 * time the same operation with different, known latency distributions. Through Prometheus's HTTP
 * API: every series exists with the exact call count of its JVM, and {@code
 * histogram_quantile(0.95, sum by (le) (rate(...)))} over both JVMs lies within one bucket of the
 * true p95 of all calls (from the durations the applications measured themselves).
 */
class PrometheusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OP = "checkout";
  /** The default metrics.buckets, in seconds. */
  private static final double[] BOUNDS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private JsonNode query(int port, String promql) throws Exception {
    String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("status").asText()).as(r.body()).isEqualTo("success");
    return body.path("data").path("result");
  }

  /** instance label -> value of each series of {@code promql}. */
  private Map<String, Double> byInstance(int port, String promql) throws Exception {
    Map<String, Double> out = new HashMap<>();
    for (JsonNode s : query(port, promql)) {
      out.put(s.path("metric").path("instance").asText(), Double.parseDouble(s.path("value").get(1).asText()));
    }
    return out;
  }

  /** Waits until Prometheus answers /-/ready with 200 (it takes a moment to open its port). */
  private void awaitReady(int port, Process prometheus, Path log) throws Exception {
    long end = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < end) {
      if (!prometheus.isAlive()) {
        throw new AssertionError("prometheus exited: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("prometheus not ready: " + Files.readString(log));
  }

  private Map<String, Double> await(int port, String promql, Predicate<Map<String, Double>> ok, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Map<String, Double> last = Map.of();
    while (System.nanoTime() < end) {
      last = byInstance(port, promql);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(promql + " never got there; last answer " + last);
  }

  static int bucketOf(double seconds) {
    for (int i = 0; i < BOUNDS.length; i++) {
      if (seconds <= BOUNDS[i]) {
        return i;
      }
    }
    return BOUNDS.length;
  }

  @Test
  void prometheusAggregatesTwoJvmsHistogramsIntoTheRightP95() throws Exception {
    List<Jdk> jdks = Jdk.all();
    Jdk jdkA = jdks.get(0);
    Jdk jdkB = jdks.get(jdks.size() - 1);
    Path dir = ForkedJvm.workDir("prometheus");
    // JVM A: mostly fast; JVM B: slower. Merged, the p95 falls among B's 60 ms calls.
    String[] specs = {"1800:1,200:30", "500:7,500:60"};
    long[] expected = {2001, 1001}; // the workload plus the first 1 ms call
    List<ForkedJvm.Running> jvms = new ArrayList<>();
    Process prometheus = null;
    try {
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Path d = Files.createDirectories(dir.resolve("jvm" + i));
        ForkedJvm.Running jvm =
            ForkedJvm.builder(i == 0 ? jdkA : jdkB).mainClass(LatencyApp.class).workDir(d)
                .args(d.resolve("go").toString(), d.resolve("durations.txt").toString(), "8", specs[i])
                .agent("methods=dev.perfmon.it.http.LatencyApp#work=" + OP + ",interval=1s,slow.threshold=1h,very-slow.threshold=2h,output.file=" + d.resolve("s.jsonl") + ",http.port=0")
                .start();
        jvms.add(jvm);
        jvm.awaitStdout("READY", Duration.ofSeconds(60));
        targets.add(URI.create(MetricsIT.endpoint(jvm.pid())).getAuthority());
      }
      int port = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n  evaluation_interval: 1s\n"
              + "scrape_configs:\n  - job_name: perfmon\n    static_configs:\n      - targets: ['" + targets.get(0) + "', '" + targets.get(1) + "']\n");
      prometheus =
          new ProcessBuilder(
                  "/usr/bin/prometheus",
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("tsdb")),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      awaitReady(port, prometheus, dir.resolve("prometheus.log"));
      String count = "perfmon_operation_duration_seconds_count{operation=\"" + OP + "\"}";
      // The series exist (one call each) before the workload starts, so rate() sees all of it.
      await(port, count, m -> m.size() == 2 && m.values().stream().allMatch(v -> v == 1), Duration.ofSeconds(60));
      for (ForkedJvm.Running jvm : jvms) {
        Files.writeString(jvm.dir().resolve("go"), "go");
      }
      for (ForkedJvm.Running jvm : jvms) {
        jvm.awaitStdout("DONE", Duration.ofMinutes(2));
      }
      Map<String, Double> counts =
          await(port, count, m -> m.size() == 2 && m.get(targets.get(0)) == expected[0] && m.get(targets.get(1)) == expected[1], Duration.ofSeconds(60));
      assertThat(counts).containsEntry(targets.get(0), (double) expected[0]).containsEntry(targets.get(1), (double) expected[1]);
      Thread.sleep(2500); // a few more scrapes after the last call
      assertThat(byInstance(port, "perfmon_operation_duration_seconds_bucket{operation=\"" + OP + "\",le=\"+Inf\"}"))
          .containsEntry(targets.get(0), (double) expected[0]).containsEntry(targets.get(1), (double) expected[1]);
      assertThat(byInstance(port, "perfmon_operation_calls_total{operation=\"" + OP + "\"}"))
          .containsEntry(targets.get(0), (double) expected[0]).containsEntry(targets.get(1), (double) expected[1]);
      assertThat(byInstance(port, "perfmon_operation_errors_total{operation=\"" + OP + "\"}"))
          .containsEntry(targets.get(0), 0.0).containsEntry(targets.get(1), 0.0);
      assertThat(query(port, "perfmon_operation_duration_seconds_bucket{operation=\"" + OP + "\"}").size())
          .as("one series per bucket and JVM").isEqualTo(2 * (BOUNDS.length + 1));

      // The truth: every call's duration as the applications measured it.
      List<Long> all = new ArrayList<>();
      for (ForkedJvm.Running jvm : jvms) {
        for (String line : Files.readAllLines(jvm.dir().resolve("durations.txt"))) {
          all.add(Long.parseLong(line.trim()));
        }
      }
      assertThat(all).hasSize((int) (expected[0] + expected[1]));
      all.sort(null);
      double trueP95 = all.get((int) Math.ceil(0.95 * all.size()) - 1) / 1e9;
      JsonNode q =
          query(port, "histogram_quantile(0.95, sum by (le) (rate(perfmon_operation_duration_seconds_bucket{operation=\"" + OP + "\"}[5m])))");
      assertThat(q.size()).isEqualTo(1);
      double estimate = Double.parseDouble(q.get(0).path("value").get(1).asText());
      assertThat(Math.abs(bucketOf(estimate) - bucketOf(trueP95)))
          .as("histogram_quantile %s s vs true merged p95 %s s: at most one bucket apart", estimate, trueP95)
          .isLessThanOrEqualTo(1);
      // Each JVM alone: its own p95 (A: fast calls, B: the 60 ms calls) lands in its own bucket.
      Map<String, Double> own =
          byInstance(port, "histogram_quantile(0.95, sum by (le, instance) (rate(perfmon_operation_duration_seconds_bucket{operation=\"" + OP + "\"}[5m])))");
      assertThat(bucketOf(own.get(targets.get(0)))).isLessThan(bucketOf(own.get(targets.get(1))));
      Files.writeString(dir.resolve("result.txt"), "estimate " + estimate + " s, true " + trueP95 + " s\n");
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      for (ForkedJvm.Running jvm : jvms) {
        jvm.close();
      }
    }
  }
}
