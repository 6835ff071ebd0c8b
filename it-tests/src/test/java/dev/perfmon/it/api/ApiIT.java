package dev.perfmon.it.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Cli;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The application API ({@code perfmon-api}) bound to the agent, on real JVMs: {@link ApiApp} uses
 * every call with the API jar on its class path, under {@code -javaagent} and with the agent
 * attached after the API was loaded and used (then detached again). The application checks what
 * the API reports in-process (results, exceptions, {@code getStats}, scopes, {@code clear()});
 * this test checks the agent's own outputs: the snapshot's counts, the slow event with the call's
 * metadata, the custom handler that received it, sampling, the budget and the overflow operation.
 */
class ApiIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  static Path apiJar() {
    Path jar = Path.of(System.getProperty("perfmon.it.api.jar", "../api/target/perfmon-api.jar"));
    assertThat(jar).as("build api/ first").isRegularFile();
    return jar.toAbsolutePath();
  }

  static Path handlerJar() {
    return Path.of(System.getProperty("perfmon.it.handler-example.jar", "../examples/handler-example/target/handler-example.jar"))
        .toAbsolutePath();
  }

  /** The agent's settings for ApiApp (one line each). */
  static String config() {
    return String.join(
        "\n",
        "interval=1h",
        "output.file=stats.jsonl",
        "max-operations=40",
        "slow.threshold.app.slow=50ms",
        "very-slow.threshold.app.slow=10s",
        "sample.app.sampled=0.25",
        "budget.app.slow=10ms",
        "handlers=log",
        "handlers.path=" + handlerJar(),
        "");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void everyCallUnderJavaagent(Jdk jdk) throws Exception {
    underJavaagent(jdk, ForkedJvm.workDir("api-" + jdk.name()), false);
  }

  /**
   * The API as a named module ({@code Automatic-Module-Name: dev.perfmon.api}) on the module path,
   * the application on the class path: the agent keeps its own copy of the handler interfaces
   * (package {@code dev.perfmon.api} too) in its own class loader, so it starts beside the
   * application's module, binds it at start-up, and binds and unbinds it on attach and detach.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theApiAsANamedModuleOnTheModulePath(Jdk jdk) throws Exception {
    underJavaagent(jdk, ForkedJvm.workDir("api-module-" + jdk.name()), true);
    attachThenDetach(jdk, ForkedJvm.workDir("api-module-attach-" + jdk.name()), true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void attachedAfterTheApiWasUsedThenDetached(Jdk jdk) throws Exception {
    attachThenDetach(jdk, ForkedJvm.workDir("api-attach-" + jdk.name()), false);
  }

  /** ApiApp with the API jar on its class path, or as the named module {@code dev.perfmon.api}. */
  private static ForkedJvm.Builder apiApp(Jdk jdk, Path dir, boolean namedModule) throws Exception {
    Files.writeString(dir.resolve("agent.properties"), config(), StandardCharsets.UTF_8);
    ForkedJvm.Builder builder = ForkedJvm.builder(jdk).mainClass(ApiApp.class).workDir(dir);
    if (namedModule) {
      builder.jvmArg("--module-path=" + apiJar()).jvmArg("--add-modules=dev.perfmon.api");
    } else {
      builder.classpath(apiJar());
    }
    return builder;
  }

  private static void underJavaagent(Jdk jdk, Path dir, boolean namedModule) throws Exception {
    try (ForkedJvm.Running app =
        apiApp(jdk, dir, namedModule)
            .agent("config=agent.properties")
            .jvmArg("-Dexample.handler.file=handler-events.txt")
            .args("agent")
            .start()) {
      int code = app.waitForExit(Duration.ofMinutes(2));
      assertThat(app.stdout()).as(app.describe()).contains("DONE failures=0").doesNotContain("FAIL");
      if (namedModule) {
        assertThat(app.stdout()).as(app.describe()).contains("OK the API is module dev.perfmon.api");
      }
      assertThat(code).as(app.describe()).isZero();
      checkOutputs(dir, app.stderr());
    }
  }

  private static void attachThenDetach(Jdk jdk, Path dir, boolean namedModule) throws Exception {
    try (ForkedJvm.Running app =
        apiApp(jdk, dir, namedModule)
            .jvmArg("-Dexample.handler.file=handler-events.txt")
            .jvmArg("-Dperfmon.config=agent.properties") // read by the agent when it attaches
            .args("attach")
            .start()) {
      app.awaitStdout("WAITING", Duration.ofSeconds(60));
      String pid = Long.toString(app.pid());
      Cli attach = cli(jdk, "attach", pid);
      assertThat(attach.code()).as(attach.toString()).isZero();
      app.awaitStdout("WAITING-DETACH", Duration.ofSeconds(90));
      Cli detach = cli(jdk, "detach", pid);
      assertThat(detach.code()).as(detach.toString()).isZero();
      Files.writeString(dir.resolve("detached"), "");
      int code = app.waitForExit(Duration.ofMinutes(2));
      assertThat(app.stdout())
          .as(app.describe())
          .contains("OK before attach: no stats", "OK bound after attach", "OK unbound after detach", "OK after detach: no stats")
          .contains("OK backend bound", "OK backend pass-through")
          .contains("DONE failures=0")
          .doesNotContain("FAIL");
      if (namedModule) {
        assertThat(app.stdout()).as(app.describe()).contains("OK the API is module dev.perfmon.api");
      }
      assertThat(code).as(app.describe()).isZero();
      checkOutputs(dir, app.stderr());
    }
  }

  private static void checkOutputs(Path dir, String stderr) throws Exception {
    AgentOutput out = AgentOutput.read(dir.resolve("stats.jsonl"));
    // The final snapshot (at exit, or at detach) has every call: clear() resets only what the API
    // reads, never the agent's cumulative figures.
    expect(out, "app.callable", 6, 0);
    expect(out, "app.runnable", 3, 0);
    expect(out, "app.failing", 4, 3);
    expect(out, "app.async", 2, 1);
    expect(out, "app.timer", 1, 0);
    expect(out, "app.slow", 2, 0);
    expect(out, "api.users.list", 5, 0);
    expect(out, "api.health", 1, 0);
    expect(out, "app.handle", 1010, 0);
    expect(out, "app.early", 1, 0);
    JsonNode sampled = out.operation("app.sampled");
    assertThat(sampled).as("sampled operation in %s", out.operationNames()).isNotNull();
    assertThat(sampled.get("count").asLong()).as("every sampled call counted").isEqualTo(400);
    assertThat(sampled.get("sampledCount").asLong()).as("a share of them timed").isBetween(40L, 200L);
    assertThat(out.operation("app.async").get("maxDuration").asDouble()).as("async timed to completion").isGreaterThanOrEqualTo(140);

    // max-operations=40: the 60 generated names fill the table and the rest go to 'other'; every
    // call is counted exactly once.
    long gen = 0;
    for (String n : out.operationNames()) {
      if (n.startsWith("gen.")) {
        gen += out.operation(n).get("count").asLong();
      }
    }
    JsonNode other = out.operation("other");
    assertThat(other).as("overflow operation in %s", out.operationNames()).isNotNull();
    assertThat(gen + other.get("count").asLong()).as("generated names: tracked + overflow").isEqualTo(60);
    assertThat(out.operationNames().size()).as("operations incl. 'other'").isLessThanOrEqualTo(41);
    assertThat(stderr).contains("more than 40 operations (max-operations)");

    // The slow call carries its metadata to the slow event and to the custom handler; the fast call
    // with metadata produced no event.
    List<JsonNode> slow = out.ofType("slow");
    assertThat(slow).as(out.text()).hasSize(1);
    JsonNode event = slow.get(0);
    assertThat(event.get("operation").asText()).isEqualTo("app.slow");
    assertThat(event.get("duration").asDouble()).isGreaterThanOrEqualTo(120);
    assertThat(event.path("metadata").path("orderId").asText()).isEqualTo("o-17");
    assertThat(event.path("metadata").path("table").asText()).isEqualTo("orders");
    assertThat(out.text()).doesNotContain("fast-one");
    assertThat(out.lastSnapshot().path("budgetViolations").toString()).contains("app.slow");
    List<String> handled = Files.readAllLines(dir.resolve("handler-events.txt"), StandardCharsets.UTF_8);
    assertThat(handled)
        .as("custom handler events")
        .anyMatch(l -> l.startsWith("slow\tapp.slow\t") && l.contains("orderId=o-17") && l.contains("table=orders"));
    assertThat(stderr).contains("slow call: app.slow took");
    assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong()).isZero();
    assertThat(stderr).doesNotContain("[ERROR]").doesNotContain("Exception");
  }

  private static void expect(AgentOutput out, String name, long count, long errors) {
    JsonNode op = out.operation(name);
    assertThat(op).as("%s in %s", name, out.operationNames()).isNotNull();
    assertThat(op.get("count").asLong()).as("%s count", name).isEqualTo(count);
    assertThat(op.get("errorCount").asLong()).as("%s errors", name).isEqualTo(errors);
  }

  static Cli cli(Jdk jdk, String... args) throws Exception {
    return Cli.run(jdk, args);
  }
}
