package dev.perfmon.it.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.AttachTarget;
import example.schema.SchemaApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real output of every kind, validated against the JSON Schemas in docs/schema (draft 2020-12)
 * with networknt's json-schema-validator: servlet requests (embedded Tomcat), JDBC (H2), timed
 * methods, slow and very slow calls, budget violations, a sampled operation, memory warnings,
 * histograms, the instrumentation line, and the partial first snapshot after a dynamic attach.
 * The test also checks that each kind did occur, so that a schema cannot pass by not being used.
 */
class SchemaIT {
  private static final Map<String, JsonSchema> SCHEMAS = new HashMap<>();

  @BeforeAll
  static void loadSchemas() {
    Path dir = Path.of(System.getProperty("perfmon.it.schemas", "../docs/schema")).toAbsolutePath().normalize();
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://perfmon.dev/schema/", dir.toUri().toString())));
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    for (String type : List.of("snapshot", "slow", "memory-warning", "instrumentation")) {
      SCHEMAS.put(
          type,
          factory.getSchema(
              SchemaLocation.of("https://perfmon.dev/schema/perfmon-" + type + ".schema.json"), config));
    }
  }

  /** Validates every line; returns the line types seen. */
  private static Set<String> validate(AgentOutput out) {
    Set<String> types = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode line : out.lines()) {
      String type = line.path("type").asText();
      types.add(type);
      JsonSchema schema = SCHEMAS.get(type);
      if (schema == null) {
        problems.add("no schema for type '" + type + "': " + line);
        continue;
      }
      Set<ValidationMessage> errors = schema.validate(line);
      if (!errors.isEmpty()) {
        problems.add(type + ": " + errors + "\n  in " + line);
      }
    }
    assertThat(problems).as("schema violations").isEmpty();
    return types;
  }

  @Test
  void everyKindOfLineMatchesItsSchema() throws Exception {
    Jdk jdk = Jdk.of("17");
    Path dir = ForkedJvm.workDir("schema");
    Path file = dir.resolve("perfmon.jsonl");
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(SchemaApp.class)
            .classpath(
                Path.of(System.getProperty("perfmon.it.tomcat9.jar")),
                Path.of(System.getProperty("perfmon.it.tomcat9.annotations.jar")))
            .workDir(dir)
            .agent(
                "methods=example.schema.SchemaApp$Work#*,interval=300ms,output.file=" + file
                    + ",output.histograms=true,slow.threshold=50ms,very-slow.threshold=150ms,"
                    + "budget.example.schema.*=1ms,sample.example.schema.SchemaApp$Work.sampled=0.5,"
                    + "memory.interval=50ms,memory.warn.heap-used=64MB,memory.warn.heap-ratio=0.3")
            .start()) {
      assertThat(app.waitForExit(Duration.ofMinutes(2))).as(app.describe()).isZero();
    }
    AgentOutput out = AgentOutput.read(file);
    Set<String> types = validate(out);
    assertThat(types).contains("snapshot", "slow", "memory-warning", "instrumentation");
    // each kind occurred
    String text = out.text();
    assertThat(text)
        .contains("\"kind\":\"servlet\"")
        .contains("\"jdbc.")
        .contains("\"status5xx\":1")
        .contains("\"severity\":\"very-slow\"")
        .contains("\"budgetViolations\":[{")
        .contains("\"sampledCount\":")
        .contains("\"reason\":\"heap-used\"")
        .contains("\"reason\":\"heap-ratio\"")
        .contains("\"histogram\":[")
        .contains("\"slowOperations\":[{");

    // and the schemas reject what the agent never writes (so they are really applied, including
    // the reference from the snapshot schema into the slow schema)
    JsonNode snapshot = null;
    for (JsonNode s : out.snapshots()) {
      if (s.path("slowOperations").size() > 0 && s.path("memory").has("gc")) {
        snapshot = s;
      }
    }
    assertThat(snapshot).isNotNull();
    String op = snapshot.path("operations").fieldNames().next();
    String gc = snapshot.path("memory").path("gc").fieldNames().next();
    List<java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode>> breakages =
        List.of(
            n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n.path("operations").path(op)).remove("count"),
            n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n.path("operations").path(op)).put("foo", "bar"),
            n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n.path("slowOperations").get(0)).put("severity", "medium"),
            n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n.path("operations").path(op).path("interval")).putArray("histogram").add(1).add(-1),
            n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n.path("memory").path("gc").path(gc)).put("count", "1"),
            n -> n.put("timestamp", "yesterday"));
    for (int i = 0; i < breakages.size(); i++) {
      com.fasterxml.jackson.databind.node.ObjectNode copy = snapshot.deepCopy();
      breakages.get(i).accept(copy);
      assertThat(SCHEMAS.get("snapshot").validate(copy)).as("breakage %d", i).isNotEmpty();
    }
  }

  @Test
  void thePartialSnapshotAfterAnAttachMatchesTheSchema() throws Exception {
    Jdk jdk = Jdk.of("17");
    Path dir = ForkedJvm.workDir("schema-attach");
    Path file = dir.resolve("attached.jsonl");
    try (ForkedJvm.Running target =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("120").start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      Process p =
          new ProcessBuilder(
                  jdk.java().toString(), "-jar", ForkedJvm.agentJar().toString(), "attach",
                  Long.toString(target.pid()), "methods=example.attach.AttachTarget$Calc#work",
                  "interval=300ms", "output.file=" + file)
              .redirectErrorStream(true)
              .start();
      String cli = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(cli).isZero();
      AgentOutput out = AgentOutput.await(file, o -> o.snapshots().size() >= 2, Duration.ofSeconds(60));
      validate(out);
      assertThat(out.snapshots().get(0).path("partial").asBoolean()).as(out.text()).isTrue();
      assertThat(Files.size(file)).isPositive();
    }
  }
}
