package dev.perfmon.it.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Cli;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.AttachTarget;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP endpoint in real JVMs: started by {@code attach <pid> http.port=0}, shown by {@code
 * status}, moved by a re-attach with another port, stopped (port freed, threads gone) by {@code
 * detach}; with {@code -javaagent}: a taken port is one line and the application runs on, a JVM
 * with the endpoint running exits normally, and the token is required and never shown.
 */
class HttpEndpointIT {
  private static final String CALC = "example.attach.AttachTarget$Calc";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  static Cli cli(Jdk jdk, String... args) throws Exception {
    return Cli.run(jdk, args);
  }

  private HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String endpointOf(String cliOut) {
    Matcher m = Pattern.compile("HTTP endpoint in \\d+: (http://\\S+/)").matcher(cliOut);
    assertThat(m.find()).as(cliOut).isTrue();
    return m.group(1);
  }

  private static String threadDump(Jdk jdk, long pid) throws Exception {
    Process p = new ProcessBuilder(jdk.tool("jcmd").toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return text;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void attachStartsTheEndpointReattachMovesItDetachFreesThePort(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("http-attach-" + jdk.name());
    try (ForkedJvm.Running target = ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("120").start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      String pid = Long.toString(target.pid());
      Path out = dir.resolve("stats.jsonl");
      Cli attach = cli(jdk, "attach", pid, "methods=" + CALC + "#work", "interval=300ms", "output.file=" + out, "http.port=0");
      assertThat(attach.code()).as(attach.toString()).isZero();
      String first = endpointOf(attach.out());
      assertThat(first).startsWith("http://127.0.0.1:");

      Cli status = cli(jdk, "status", pid);
      assertThat(status.out()).as(status.toString()).contains("  http:        " + first);

      HttpResponse<String> stats = get(first + "stats?operation=" + CALC.replace("$", "%24") + ".work");
      assertThat(stats.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(stats.body());
      assertThat(body.path("type").asText()).isEqualTo("snapshot");
      assertThat(body.path("operations").path(CALC + ".work").path("count").asLong()).isPositive();
      assertThat(body.path("operations").size()).isEqualTo(1);
      JsonNode scoped = JSON.readTree(get(first + "stats?scope=example.attach").body());
      assertThat(scoped.path("operations").has(CALC + ".work")).isTrue();
      assertThat(JSON.readTree(get(first + "stats?scope=nothing").body()).path("operations").size()).isZero();
      // The periodic snapshots' interval figures are not disturbed by the readings above: the
      // interval counts of the file add up to the cumulative count.
      AgentOutput o = AgentOutput.await(out, x -> x.snapshots().size() >= 3, Duration.ofSeconds(30));
      long sum = 0;
      for (JsonNode s : o.snapshots()) {
        sum += s.path("operations").path(CALC + ".work").path("interval").path("count").asLong();
      }
      assertThat(sum).isEqualTo(o.lastSnapshot().path("operations").path(CALC + ".work").path("count").asLong());

      int second = freePort();
      Cli move = cli(jdk, "attach", pid, "methods=" + CALC + "#work", "interval=300ms", "output.file=" + out, "http.port=" + second);
      assertThat(move.code()).as(move.toString()).isZero();
      assertThat(endpointOf(move.out())).isEqualTo("http://127.0.0.1:" + second + "/");
      assertThat(get("http://127.0.0.1:" + second + "/stats").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(first + "stats")).as("the old port is closed").isInstanceOf(ConnectException.class);

      Cli detach = cli(jdk, "detach", pid);
      assertThat(detach.code()).as(detach.toString()).isZero();
      assertThatThrownBy(() -> get("http://127.0.0.1:" + second + "/stats")).isInstanceOf(ConnectException.class);
      try (ServerSocket again = new ServerSocket(second, 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).as("detach freed the port").isEqualTo(second);
      }
      Thread.sleep(500);
      String threads = threadDump(jdk, target.pid());
      assertThat(threads).doesNotContain("perfmon-").doesNotContain("HTTP-Dispatcher");
      assertThat(target.stderr()).doesNotContain("[ERROR]");
      assertThat(target.stdout()).doesNotContain("MISMATCH");
    }
  }

  @Test
  void aTakenPortIsOneLineAndTheApplicationRunsOn() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("http-taken");
    Path out = dir.resolve("stats.jsonl");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ForkedJvm.Running jvm =
            ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("3")
                .agent("methods=" + CALC + "#work,interval=300ms,output.file=" + out + ",http.port=" + taken.getLocalPort())
                .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      List<String> lines = jvm.stderr().lines().filter(l -> l.contains("HTTP endpoint")).toList();
      assertThat(lines).as(jvm.stderr()).hasSize(1);
      assertThat(lines.get(0)).contains("not started", "port is already in use", String.valueOf(taken.getLocalPort()));
      assertThat(AgentOutput.read(out).lastSnapshot().path("operations").path(CALC + ".work").path("count").asLong()).isPositive();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aJvmWithTheEndpointRunningExitsNormallyAndTheTokenIsRequiredAndNeverShown(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("http-token-" + jdk.name());
    Path out = dir.resolve("stats.jsonl");
    String token = "tok-" + Long.toHexString(System.nanoTime()) + "-secret";
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("6")
            .agent("methods=" + CALC + "#work,interval=300ms,output.file=" + out + ",http.port=0,http.token=" + token)
            .start()) {
      Path statusFile = Path.of("/tmp/.perfmon-" + jvm.pid() + ".json");
      long end = System.nanoTime() + 20_000_000_000L;
      while ((!Files.exists(statusFile) || !Files.readString(statusFile).contains("\"http\"")) && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      String statusText = Files.readString(statusFile);
      assertThat(statusText).doesNotContain(token).contains("\"http.token\":\"**** (agent argument)\"");
      String url = JSON.readTree(statusText).path("http").asText();
      assertThat(url).startsWith("http://127.0.0.1:");
      Cli status = cli(jdk, "status", Long.toString(jvm.pid()));
      assertThat(status.out()).contains("http:").doesNotContain(token);
      for (String path : List.of("", "stats", "metrics", "favicon.ico")) {
        assertThat(get(url + path).statusCode()).as(path).isEqualTo(401);
      }
      HttpResponse<String> ok = get(url + "stats", "Authorization", "Bearer " + token);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).doesNotContain(token).doesNotContain("PATH").doesNotContain("java.home");
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as("exits with the endpoint's threads running: " + jvm.describe()).isZero();
      assertThat(jvm.stderr()).doesNotContain(token).contains("HTTP endpoint on " + url);
    }
  }

  @Test
  void withHttpPortUnsetNothingOfTheEndpointOrTheMxBeansIsLoaded() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("http-off");
    Path classes = dir.resolve("classes.txt");
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("2")
            .jvmArg("-Xlog:class+load=info:file=" + classes)
            .agent("methods=" + CALC + "#work,interval=1h,output.file=" + dir.resolve("s.jsonl"))
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      List<String> loaded =
          Files.readAllLines(classes).stream()
              .filter(l -> l.contains("dev.perfmon.agent.http.") || l.contains("dev.perfmon.agent.jmx.") || l.contains("com.sun.net.httpserver") || l.contains("sun.net.httpserver"))
              .map(l -> l.replaceAll(".*\\] ([^ ]+) source.*", "$1"))
              .toList();
      assertThat(loaded)
          .as("classes of the endpoint and the MXBeans loaded with http.port unset (LiveViews and its lambda only)")
          .contains("dev.perfmon.agent.http.LiveViews")
          .allMatch(c -> c.startsWith("dev.perfmon.agent.http.LiveViews"));
      assertThat(jvm.stderr()).doesNotContain("HTTP endpoint");
    }
  }

  @Test
  void aRuntimeWithoutJdkHttpserverIsOneLineAndTheRestWorks() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("http-no-module");
    Path out = dir.resolve("stats.jsonl");
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("3")
            .jvmArg("--limit-modules=java.base,java.instrument,java.management,jdk.management,jdk.unsupported")
            .agent("methods=" + CALC + "#work,interval=300ms,output.file=" + out + ",http.port=0")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      List<String> lines = jvm.stderr().lines().filter(l -> l.contains("HTTP endpoint")).toList();
      assertThat(lines).as(jvm.stderr()).hasSize(1);
      assertThat(lines.get(0)).contains("[WARN]", "no jdk.httpserver module", "everything else goes on");
      assertThat(AgentOutput.read(out).lastSnapshot().path("operations").path(CALC + ".work").path("count").asLong()).isPositive();
    }
  }
}
