package dev.perfmon.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SQL literals planted as secrets (strings, numbers, comments, IN lists, multi-row VALUES,
 * PostgreSQL dollar-quoted and backslash strings, MySQL double-quoted and backslash-escaped
 * strings, a literal in a prepared statement and a parameter value) never reach any output of the
 * agent: the JSONL file, the forked JVM's stdout and stderr (agent log at debug level, with a
 * slow-call line per statement) and the status file. H2, PostgreSQL and MariaDB, every JDK.
 */
class SqlSecretsIT {
  static List<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (JdbcIT.Db db : JdbcIT.Db.values()) {
        out.add(Arguments.of(jdk, db));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runs")
  void sqlLiteralsReachNoOutput(Jdk jdk, JdbcIT.Db db) throws Exception {
    String dialect = db.name().toLowerCase(Locale.ROOT);
    Path dir = ForkedJvm.workDir("sql-secrets-" + jdk.name() + "-" + dialect);
    AgentOutput out;
    String status;
    String stdout;
    String stderr;
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(SqlSecretsApp.class)
            .workDir(dir)
            .agent("interval=1s,output.file=sql.jsonl,slow.threshold=1ns,log.level=debug")
            .args(db.url, db.user, db.password, dialect)
            .start()) {
      app.awaitStdout("SQL-DONE", Duration.ofMinutes(2));
      AgentOutput.await(dir.resolve("sql.jsonl"), o -> o.snapshots().size() >= 2, Duration.ofSeconds(60));
      status = AgentOutput.awaitNonEmpty(Path.of("/tmp", ".perfmon-" + app.javaPid() + ".json"));
      app.process().destroy();
      assertThat(app.waitForExit(Duration.ofSeconds(30))).as(app.describe()).isIn(0, 143);
      stdout = app.stdout();
      stderr = app.stderr();
    }
    out = AgentOutput.read(dir.resolve("sql.jsonl"));

    // The statements were seen, named and reported as slow.
    List<String> jdbcOps = out.operationNames().stream().filter(n -> n.startsWith("jdbc.")).toList();
    assertThat(jdbcOps)
        .contains(
            "jdbc.SELECT * FROM sec_it WHERE name = ? AND id = ?",
            "jdbc.SELECT * FROM sec_it WHERE id IN (?) OR name IN (?)",
            "jdbc.INSERT INTO sec_it (id, name, note) VALUES (?, ?, ?)");
    List<JsonNode> slow = out.ofType("slow");
    assertThat(slow.size()).as("slow events").isGreaterThanOrEqualTo(SqlSecretsApp.statements(dialect).size());
    assertThat(stderr).contains("slow call: jdbc.");
    assertThat(status).contains("\"version\"");
    assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong()).isZero();

    Map<String, String> secrets = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      secrets.put("s" + i, SqlSecretsApp.s(i));
    }
    for (int i = 0; i < 10; i++) {
      secrets.put("n" + i, SqlSecretsApp.n(i));
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("sql.jsonl", out.text());
    outputs.put("stdout", stdout);
    outputs.put("stderr", stderr);
    outputs.put("status file", status);
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> o : outputs.entrySet()) {
      String text = o.getValue().toLowerCase(Locale.ROOT);
      for (Map.Entry<String, String> s : secrets.entrySet()) {
        if (text.contains(s.getValue().toLowerCase(Locale.ROOT))) {
          leaks.add(s.getKey() + " (" + s.getValue() + ") in " + o.getKey());
        }
      }
    }
    assertThat(leaks).as("secrets found in outputs").isEmpty();
  }

}
