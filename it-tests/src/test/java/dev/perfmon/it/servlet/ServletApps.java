package dev.perfmon.it.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starting the it-apps applications under the agent and talking HTTP to them. */
public final class ServletApps {
  static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Pattern READY = Pattern.compile("READY port=(\\d+)");
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServletApps() {}

  /** {@code it-apps/<module>/target/app.jar}, from {@code perfmon.it.apps} or the project layout. */
  public static Path appJar(String module) {
    Path apps = Path.of(System.getProperty("perfmon.it.apps", "../it-apps"));
    Path jar = apps.resolve(module).resolve("target/app.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("test application missing: " + jar + " (build it-apps first)");
    }
    return jar;
  }

  /** An application JVM under the agent, listening on {@link #base}. */
  static final class App implements AutoCloseable {
    final ForkedJvm.Running jvm;
    final Path dir;
    final String base;

    App(ForkedJvm.Running jvm, Path dir, String base) {
      this.jvm = jvm;
      this.dir = dir;
      this.base = base;
    }

    static App start(Jdk jdk, String module, String agentArgs, String... jvmArgs)
        throws Exception {
      Path dir = ForkedJvm.workDir(module + "-" + jdk.name());
      ForkedJvm.Builder b = ForkedJvm.builder(jdk).jar(appJar(module)).workDir(dir).agent(agentArgs);
      for (String arg : jvmArgs) {
        b.jvmArg(arg);
      }
      ForkedJvm.Running jvm = b.start();
      try {
        jvm.awaitStdout("READY port=", STARTUP);
      } catch (AssertionError | InterruptedException e) {
        jvm.close();
        throw e;
      }
      Matcher m = READY.matcher(jvm.stdout());
      assertThat(m.find()).isTrue();
      return new App(jvm, dir, "http://127.0.0.1:" + m.group(1));
    }

    int get(String path) throws Exception {
      return send("GET", path);
    }

    int send(String method, String path) throws Exception {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + path))
              .method(method, HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(20))
              .build();
      return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    HttpClient client() {
      return CLIENT;
    }

    /** Stops the JVM (SIGTERM: the agent writes its final snapshot) and reads the output. */
    AgentOutput stopAndRead() throws Exception {
      jvm.process().destroy();
      int code = jvm.waitForExit(Duration.ofSeconds(30));
      assertThat(code).as("exit code after SIGTERM: %s", jvm.describe()).isIn(0, 143);
      return AgentOutput.read(dir.resolve("stats.jsonl"));
    }

    @Override
    public void close() {
      jvm.close();
    }
  }

  static JsonNode op(AgentOutput out, String name) {
    JsonNode op = out.operation(name);
    assertThat(op).as("operation %s in %s", name, out.operationNames()).isNotNull();
    return op;
  }

  /** Asserts count, errorCount and the four status-class counts of an operation. */
  static JsonNode assertOp(
      AgentOutput out, String name, long count, long errors, long s2, long s3, long s4, long s5) {
    JsonNode op = op(out, name);
    assertThat(op.get("count").asLong()).as(name + " count").isEqualTo(count);
    assertThat(op.get("errorCount").asLong()).as(name + " errors").isEqualTo(errors);
    assertThat(op.get("successCount").asLong()).as(name + " successes").isEqualTo(count - errors);
    assertThat(op.path("status2xx").asLong(-1)).as(name + " status2xx").isEqualTo(s2);
    assertThat(op.path("status3xx").asLong(-1)).as(name + " status3xx").isEqualTo(s3);
    assertThat(op.path("status4xx").asLong(-1)).as(name + " status4xx").isEqualTo(s4);
    assertThat(op.path("status5xx").asLong(-1)).as(name + " status5xx").isEqualTo(s5);
    return op;
  }

  static void assertAgentHealthy(AgentOutput out, ForkedJvm.Running jvm) {
    assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong())
        .as("suppressed advice errors")
        .isZero();
    assertThat(jvm.stderr())
        .as("agent warnings/errors on stderr")
        .doesNotContainPattern("\\[perfmon\\].*(WARN|ERROR)");
  }
}
