package dev.perfmon.it.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.events.EventsApp;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Custom handlers under {@code -javaagent}: the example project's jar (examples/handler-example)
 * receives slow calls, budget violations and snapshots; next to it, a handler that always throws
 * and one that blocks forever, compiled here against the agent jar's {@code dev.perfmon.api}, do
 * not disturb the application or the other handlers; the built-in {@code exec} handler pipes each
 * event to a command.
 */
class HandlersIT {
  private static final String WORK = "example.events.EventsApp$Work";
  private static Path misbehaving;

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  /** Compiles two misbehaving handlers into a directory with their services files. */
  @BeforeAll
  static void compileMisbehavingHandlers() throws Exception {
    Path dir = ForkedJvm.workDir("misbehaving-handlers");
    Path src = dir.resolve("src/bad");
    Files.createDirectories(src);
    Files.writeString(
        src.resolve("ThrowingHandler.java"),
        """
        package bad;
        public class ThrowingHandler implements dev.perfmon.api.SlowOperationHandler {
          public void onSlowOperation(dev.perfmon.api.SlowOperationEvent e) {
            throw new IllegalStateException("handler bug on " + e.operation());
          }
        }
        """);
    Files.writeString(
        src.resolve("StuckHandler.java"),
        """
        package bad;
        public class StuckHandler implements dev.perfmon.api.SlowOperationHandler {
          public void onSlowOperation(dev.perfmon.api.SlowOperationEvent e) {
            while (true) {
              try { Thread.sleep(60_000); } catch (InterruptedException ignored) { }
            }
          }
        }
        """);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes.resolve("META-INF/services"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null, null, null,
            "--release", "17",
            "-cp", System.getProperty("perfmon.it.handler-api.jar"),
            "-d", classes.toString(),
            src.resolve("ThrowingHandler.java").toString(),
            src.resolve("StuckHandler.java").toString());
    assertThat(rc).as("javac").isZero();
    Files.writeString(
        classes.resolve("META-INF/services/dev.perfmon.api.SlowOperationHandler"),
        "bad.ThrowingHandler\nbad.StuckHandler\n");
    misbehaving = classes;
  }

  static Path exampleJar() {
    Path jar = Path.of(System.getProperty("perfmon.it.handler-example.jar", "../examples/handler-example/target/handler-example.jar"))
        .toAbsolutePath().normalize();
    assertThat(jar).as("build examples/handler-example first").isRegularFile();
    return jar;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void userHandlersReceiveEventsAndMisbehavingOnesAreIsolated(Jdk jdk) throws Exception {
    String baseline = run(jdk, false, ForkedJvm.workDir("handlers-baseline-" + jdk.name())).stdout;
    Path dir = ForkedJvm.workDir("handlers-" + jdk.name());
    Files.writeString(
        dir.resolve("agent.properties"),
        String.join(
            "\n",
            "methods=" + WORK + "#slow;" + WORK + "#verySlow",
            "annotations=example.events.Timed",
            "interval=1s",
            "output.file=events.jsonl",
            "slow.threshold.example.events.*=100ms",
            "very-slow.threshold." + WORK + ".verySlow=200ms",
            "budget.api\\ GET\\ /owners/*=10ms",
            "handlers=log,exec",
            "handlers.exec.command=/bin/sh -c \"cat >> exec-events.jsonl\"",
            "handlers.timeout=300ms",
            "handlers.path=" + exampleJar() + File.pathSeparator + misbehaving,
            ""),
        StandardCharsets.UTF_8);
    Result r = run(jdk, true, dir);
    assertThat(r.exit).as(r.describe).isZero();
    assertThat(r.stdout).as("the application's own output is unchanged").isEqualTo(baseline);

    List<String> lines = Files.readAllLines(dir.resolve("example-events.txt"), StandardCharsets.UTF_8);
    List<String> kinds = new ArrayList<>();
    for (String l : lines) {
      kinds.add(l.substring(0, l.indexOf('\t')));
    }
    assertThat(lines)
        .anyMatch(l -> l.startsWith("slow\t" + WORK + ".slow\t") && l.contains("\tslow\tmain\t"))
        .anyMatch(l -> l.startsWith("slow\t" + WORK + ".verySlow\t") && l.contains("\tvery-slow\tmain\t"))
        .anyMatch(l -> l.startsWith("budget\tapi GET /owners/{id}\tp95 ") && l.contains(" > 10.0 ms ("))
        .anyMatch(l -> l.startsWith("snapshot\t") && l.contains("1 budget violations"));
    assertThat(kinds).as(String.join("\n", lines)).contains("slow", "budget", "snapshot");

    ObjectMapper json = new ObjectMapper();
    List<String> exec = Files.readAllLines(dir.resolve("exec-events.jsonl"), StandardCharsets.UTF_8);
    List<String> execTypes = new ArrayList<>();
    for (String l : exec) {
      JsonNode n = json.readTree(l);
      execTypes.add(n.get("type").asText() + " " + n.get("operation").asText());
    }
    assertThat(execTypes).contains("slow " + WORK + ".slow", "slow " + WORK + ".verySlow", "budget-violation api GET /owners/{id}");

    String stderr = r.describe;
    assertThat(stderr).contains("event handler ThrowingHandler failed on slow call of " + WORK + ".slow: java.lang.IllegalStateException: handler bug on " + WORK + ".slow");
    assertThat(stderr).contains("event handler StuckHandler did not return within 300 ms (slow call of " + WORK + ".slow)");
    assertThat(stderr).contains("event handler FileAppendingHandler (example.handler.FileAppendingHandler) loaded from handlers.path");

    AgentOutput out = AgentOutput.read(dir.resolve("events.jsonl"));
    assertThat(out.ofType("slow")).hasSize(2);
    assertThat(out.lastSnapshot().get("droppedEvents").asLong()).isZero();
  }

  private record Result(int exit, String stdout, String describe) {}

  private static Result run(Jdk jdk, boolean agent, Path dir) throws Exception {
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk)
            .mainClass(EventsApp.class)
            .workDir(dir)
            .jvmArg("-Dexample.handler.file=example-events.txt")
            .args("handlers", "2500");
    if (agent) {
      b.agent(null);
    }
    try (ForkedJvm.Running app = b.start()) {
      int exit = app.waitForExit(Duration.ofSeconds(60));
      return new Result(exit, app.stdout(), app.describe());
    }
  }
}
