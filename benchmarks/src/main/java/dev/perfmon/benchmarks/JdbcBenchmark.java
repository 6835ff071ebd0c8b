package dev.perfmon.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-call cost of executing an already-prepared statement on H2 in memory ({@code jdbc:h2:mem:bench},
 * a 64-row table), the JDBC calls an application makes most. Run by {@link BenchmarkRunner} in forks
 * without the agent and with it (JDBC instrumentation is on by default): the difference is what the
 * agent's statement advice and its recording cost per call.
 *
 * <p>What is timed: {@code setInt} + {@code executeQuery} + reading the one row + closing the result
 * set ({@link #query}); {@code setInt} x 2 + {@code executeUpdate} of one row in auto-commit mode
 * ({@link #update}). Only {@code executeQuery}/{@code executeUpdate} are woven.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdbcBenchmark {
  static final String URL = "jdbc:h2:mem:bench";
  /** The statement the runner expects to find, normalised, in the tracked fork's output. */
  static final String SELECT = "SELECT v FROM t WHERE id = ?";

  static final int ROWS = 64;

  private Connection connection;
  private PreparedStatement select;
  private PreparedStatement update;
  private int next;
  private int value;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    connection = DriverManager.getConnection(URL, "sa", "");
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
      for (int i = 0; i < ROWS; i++) {
        insert.setInt(1, i);
        insert.setInt(2, i * 7);
        insert.executeUpdate();
      }
    }
    select = connection.prepareStatement(SELECT);
    update = connection.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    select.close();
    update.close();
    connection.close(); // the last connection to a mem: database drops it
  }

  /** Reads one row by primary key through a prepared query. */
  @Benchmark
  public int query() throws SQLException {
    next = (next + 1) & (ROWS - 1);
    select.setInt(1, next);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("row " + next + " missing");
      }
      return rs.getInt(1);
    }
  }

  /** Updates one row by primary key through a prepared update (auto-commit). */
  @Benchmark
  public int update() throws SQLException {
    next = (next + 1) & (ROWS - 1);
    update.setInt(1, ++value);
    update.setInt(2, next);
    int n = update.executeUpdate();
    if (n != 1) {
      throw new IllegalStateException(n + " rows updated");
    }
    return n;
  }
}
