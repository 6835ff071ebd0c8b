package dev.perfmon.it.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link JdbcApp} under the agent, against H2 (embedded), PostgreSQL and MariaDB, on every
 * configured JDK: exact counts per normalised statement, errors, batches, transactions, pooled
 * connection acquisition, and proof that literals and credentials never reach the output file.
 */
class JdbcIT {
  /** Passed in the PostgreSQL URL (trust auth ignores it): must never reach the output. */
  private static final String PG_PASSWORD = "pw-never-shown-91xq";

  enum Db {
    H2("jdbc:h2:mem:jdbcit;DB_CLOSE_DELAY=-1", "sa", "", "H2", "jdbc:h2:mem:jdbcit"),
    POSTGRESQL(
        "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=" + PG_PASSWORD,
        "postgres",
        "",
        "PostgreSQL",
        "jdbc:postgresql://127.0.0.1:5432/test"),
    MARIADB(
        "jdbc:mariadb://127.0.0.1:3306/test?user=root&connectTimeout=5000",
        "root",
        "",
        null, // MariaDB or MySQL, depending on the server
        "jdbc:mariadb://127.0.0.1:3306/test");

    final String url;
    final String user;
    final String password;
    final String product;
    final String cleanUrl;

    Db(String url, String user, String password, String product, String cleanUrl) {
      this.url = url;
      this.user = user;
      this.password = password;
      this.product = product;
      this.cleanUrl = cleanUrl;
    }
  }

  static List<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (Db db : Db.values()) {
        out.add(Arguments.of(jdk, db));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runs")
  void everyJdbcCallIsAnOperationSample(Jdk jdk, Db db) throws Exception {
    Path dir = ForkedJvm.workDir("jdbc-" + jdk.name() + "-" + db.name().toLowerCase(java.util.Locale.ROOT));
    AgentOutput out;
    String stdout;
    String stderr;
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(JdbcApp.class)
            .workDir(dir)
            .agent("output.file=jdbc.jsonl")
            .args(db.url, db.user, db.password)
            .start()) {
      assertThat(app.waitForExit(Duration.ofMinutes(2))).as(app.describe()).isZero();
      stdout = app.stdout();
      stderr = app.stderr();
      assertThat(stdout).as(app.describe()).contains("JDBC-APP-DONE");
    }
    out = AgentOutput.read(dir.resolve("jdbc.jsonl"));
    List<String> names = out.operationNames();

    String insert = "jdbc.INSERT INTO jdbc_it_users (id, name, email, age) VALUES (?, ?, ?, ?)";
    String selectById = "jdbc.SELECT id, name FROM jdbc_it_users WHERE id = ?";
    String secret = "jdbc.SELECT id FROM jdbc_it_users WHERE email = ? AND age > ?";
    String prepared = "jdbc.SELECT name FROM jdbc_it_users WHERE id = ?";
    String preparedUpdate = "jdbc.UPDATE jdbc_it_users SET age = age + ? WHERE id = ?";
    String batch = "jdbc.INSERT INTO jdbc_it_orders (id, user_id, total) VALUES (?, ?, ?)";
    String failing = "jdbc.SELECT * FROM jdbc_it_missing_table WHERE x = ?";
    String pooled = "jdbc.SELECT count(*) FROM jdbc_it_users WHERE age < ?";

    assertCount(out, insert, 3, 0);
    assertCount(out, selectById, 3, 0);
    assertCount(out, secret, 1, 0);
    assertCount(out, prepared, 50, 0);
    assertCount(out, preparedUpdate, 10, 0);
    assertCount(out, batch, 1, 0);
    assertCount(out, failing, 1, 1);
    assertCount(out, pooled, 5, 0);
    assertCount(out, "jdbc.commit", 1, 0);
    assertCount(out, "jdbc.rollback", 1, 0);
    assertCount(out, "jdbc.getConnection", 1 + 5, 0);
    assertCount(out, "jdbc.UPDATE jdbc_it_users SET name = ? WHERE id = ?", 2, 0);
    assertCount(out, "jdbc.DROP TABLE IF EXISTS jdbc_it_users", 1, 0);
    assertThat(names).doesNotContain("jdbc.{prepared before attach}", "jdbc.batch");

    JsonNode batchMeta = out.operation(batch).path("metadata");
    assertThat(batchMeta.path("batch.maxSize").asText()).isEqualTo("20");
    JsonNode meta = out.operation(selectById).path("metadata");
    assertThat(meta.path("sql").asText()).isEqualTo(selectById.substring("jdbc.".length()));
    // The driver reports the URL (MariaDB drops the default port); never with parameters.
    assertThat(meta.path("db.url").asText()).isIn(db.cleanUrl, db.cleanUrl.replace(":3306", ""));
    if (db.product != null) {
      assertThat(meta.path("db.product").asText()).isEqualTo(db.product);
    } else {
      assertThat(meta.path("db.product").asText()).isIn("MariaDB", "MySQL");
    }

    // No literal and no credential anywhere in the output file. (Numeric literals such as 9.99 are
    // checked below in names and metadata only: a measured duration like 29.990726 contains them.)
    String text = out.text();
    assertThat(text)
        .doesNotContain("alice@example.com", "alice", "bob@example.org", "carol", "committed",
            "rolled-back", PG_PASSWORD, "password", "user=", "DB_CLOSE_DELAY", "> 42");
    // Numbers: no digit literal of the workload in any JDBC operation name, metadata key or value
    // (the rest of the file holds timestamps and measurements, where digits are legitimate).
    for (JsonNode line : out.snapshots()) {
      Iterator<Map.Entry<String, JsonNode>> ops = line.path("operations").properties().iterator();
      while (ops.hasNext()) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!op.getKey().startsWith("jdbc.")) {
          continue;
        }
        List<String> texts = strings(op.getValue().path("metadata"));
        texts.add(op.getKey());
        for (String t : texts) {
          assertThat(t).as("operation text").doesNotContain("42", "61", "37", "29", "100", "9.99");
        }
      }
    }

    JsonNode agent = out.lastSnapshot().path("agent");
    assertThat(agent.path("suppressedErrors").asLong()).isZero();
    assertThat(stderr).doesNotContain("[ERROR]").doesNotContain("could not");
    assertThat(stdout).contains("EXPECTED-FAILURE");
  }

  private static void assertCount(AgentOutput out, String name, long count, long errors) {
    JsonNode op = out.operation(name);
    assertThat(op).as("operation %s in %s", name, out.operationNames()).isNotNull();
    assertThat(op.path("count").asLong()).as(name + " count").isEqualTo(count);
    assertThat(op.path("errorCount").asLong()).as(name + " errors").isEqualTo(errors);
    assertThat(op.path("successCount").asLong()).as(name + " successes").isEqualTo(count - errors);
  }

  /** Every field name and textual value in a JSON tree (numbers are measurements, not text). */
  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    collect(node, out);
    return out;
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.add(e.getKey());
        collect(e.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        collect(n, out);
      }
    }
  }
}
