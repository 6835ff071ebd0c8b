package dev.perfmon.benchmarks;

import dev.perfmon.instrumentation.jdbc.SqlNormalizer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of normalising one SQL text (lexing, the context pass, collapsing and rendering both the
 * normalised and the verb-table form), as the JDBC instrumentation pays it the first time it sees a
 * statement text. Not run by {@link BenchmarkRunner}; run it on its own with the JDBC module's
 * classes on the class path:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar:instrumentation-jdbc/target/classes \
 *     org.openjdk.jmh.Main SqlNormalizerBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SqlNormalizerBenchmark {
  @Param({"select", "insert-rows", "in-list", "commented", "backslash"})
  public String statement;

  private final SqlNormalizer normalizer = new SqlNormalizer(300);
  private String sql;

  @org.openjdk.jmh.annotations.Setup
  public void pick() {
    sql =
        switch (statement) {
          case "select" -> "SELECT o.id, o.total FROM orders o WHERE o.customer_id = 42 AND o.status = 'OPEN'";
          case "insert-rows" -> "INSERT INTO events (id, kind, at) VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02'), (3, 'c', '2024-01-03')";
          case "in-list" -> "SELECT * FROM users WHERE id IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) AND active = TRUE ORDER BY name";
          case "commented" -> "/* report */ SELECT c.name, SUM(o.total) -- per customer\n FROM customers c JOIN orders o ON o.cid = c.id WHERE o.placed > $1 GROUP BY c.name HAVING SUM(o.total) > 1000.50;";
          case "backslash" -> "UPDATE files SET path = 'C:\\temp\\' WHERE owner = \"bob\" AND size > 0x1F";
          default -> throw new IllegalArgumentException(statement);
        };
  }

  @Benchmark
  public SqlNormalizer.Result normalize() {
    return normalizer.normalizeBoth(sql);
  }
}
