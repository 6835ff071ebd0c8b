package dev.perfmon.it.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /metrics} of a real monitored JVM, checked by Prometheus's own {@code promtool check
 * metrics}: operation names holding a double quote, a backslash and a line feed (a JDBC statement
 * on a table so named) come out escaped, and the exposition passes the linter as it is.
 */
class MetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  /** The endpoint's URL from the status file, once written. */
  static String endpoint(long pid) throws Exception {
    Path statusFile = Path.of("/tmp/.perfmon-" + pid + ".json");
    long end = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < end) {
      if (Files.exists(statusFile)) {
        String url = JSON.readTree(Files.readString(statusFile)).path("http").asText("");
        if (!url.isEmpty()) {
          return url;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no http endpoint in " + statusFile);
  }

  /** Runs {@code promtool check metrics} on {@code file}: exit code and output. */
  static String promtool(Path file) throws Exception {
    Process p =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return "exit " + p.exitValue() + "\n" + out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void promtoolAcceptsTheScrapeOfARealJvm(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("metrics-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk).mainClass(MetricsApp.class).workDir(dir).args("4", "120")
            .agent("methods=dev.perfmon.it.http.MetricsApp$Ops#*,interval=1s,slow.threshold=1h,very-slow.threshold=2h,output.file=" + dir.resolve("s.jsonl") + ",http.port=0")
            .start()) {
      jvm.awaitStdout("READY", Duration.ofSeconds(60));
      String url = endpoint(jvm.pid());
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> text =
          client.send(HttpRequest.newBuilder(URI.create(url + "metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(text.statusCode()).isEqualTo(200);
      assertThat(text.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
      Path file = dir.resolve("metrics.prom");
      Files.writeString(file, text.body());
      String check = promtool(file);
      assertThat(check).as(check + "\n--- scrape:\n" + text.body()).isEqualTo("exit 0\n");

      String body = text.body();
      assertThat(body)
          .contains("perfmon_operation_duration_seconds_count{operation=\"dev.perfmon.it.http.MetricsApp$Ops.a\"} 3\n")
          .contains("perfmon_operation_calls_total{operation=\"dev.perfmon.it.http.MetricsApp$Ops.d\"} 3\n")
          .contains("perfmon_jvm_gc_collections_total{gc=")
          .contains("perfmon_jvm_memory_heap_used_bytes ")
          .contains("perfmon_agent_footprint_bytes ");
      // The JDBC operation's label: quote, backslash and line feed escaped, on one line.
      assertThat(body).containsPattern("perfmon_operation_calls_total\\{operation=\"jdbc\\.SELECT id FROM \\\\\"we\\\\\"\\\\\"ird\\\\\\\\tab\\\\nname\\\\\" WHERE id = \\?\"\\} 5\n");

      HttpResponse<String> om =
          client.send(
              HttpRequest.newBuilder(URI.create(url + "metrics"))
                  .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(om.headers().firstValue("Content-Type")).contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(om.body()).endsWith("# EOF\n").contains("# TYPE perfmon_operation_calls counter\n");
      assertThat(jvm.stderr()).doesNotContain("[ERROR]").doesNotContain("WARN");
    }
  }

  @org.junit.jupiter.api.Test
  void servletStatusClassesOfARealTomcatPassPromtool() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("metrics-tomcat");
    try (ForkedJvm.Running tomcat =
        ForkedJvm.builder(jdk).jar(dev.perfmon.it.servlet.ServletApps.appJar("servlet-tomcat11")).workDir(dir)
            .agent("interval=1s,slow.threshold=1h,very-slow.threshold=2h,output.file=" + dir.resolve("s.jsonl") + ",http.port=0")
            .start()) {
      tomcat.awaitStdout("READY port=", Duration.ofSeconds(60));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("READY port=(\\d+)").matcher(tomcat.stdout());
      assertThat(m.find()).isTrue();
      String app = "http://127.0.0.1:" + m.group(1);
      HttpClient client = HttpClient.newHttpClient();
      int[] expected = new int[3];
      for (String path : List.of("/users/1", "/users/2", "/users/3", "/unavailable", "/unavailable")) {
        int code = client.send(HttpRequest.newBuilder(URI.create(app + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        expected[code / 100 == 2 ? 0 : code / 100 == 5 ? 1 : 2]++;
      }
      assertThat(expected).containsExactly(3, 2, 0);
      String body =
          client.send(HttpRequest.newBuilder(URI.create(endpoint(tomcat.pid()) + "metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body)
          .containsPattern("perfmon_http_responses_total\\{operation=\"servlet\\.GET /users/[^\"]*\",status_class=\"2xx\"\\} 3\n")
          .containsPattern("perfmon_http_responses_total\\{operation=\"servlet\\.GET /unavailable\",status_class=\"5xx\"\\} 2\n")
          .containsPattern("perfmon_operation_errors_total\\{operation=\"servlet\\.GET /unavailable\"\\} 2\n");
      Path file = dir.resolve("metrics.prom");
      Files.writeString(file, body);
      assertThat(promtool(file)).as(body).isEqualTo("exit 0\n");
    }
  }
}
