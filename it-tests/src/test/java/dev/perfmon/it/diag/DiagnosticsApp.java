package dev.perfmon.it.diag;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The monitored application of {@link DiagnosticsIT}: on one thread, {@value #STATEMENTS} plain
 * statements, {@value #PREPARED} prepared-statement executions on H2 and {@value #WORK} calls of
 * {@link #work}, then a pause so that the agent's snapshot thread reports. Prints {@code RESULT
 * <checksum>}.
 */
public final class DiagnosticsApp {
  static final int STATEMENTS = 30;
  static final int PREPARED = 20;
  static final int WORK = 25;

  private DiagnosticsApp() {}

  public static void main(String[] args) throws Exception {
    long checksum = 0;
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:diag", "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)"); // 1 of STATEMENTS
      for (int i = 1; i < STATEMENTS; i++) {
        s.executeUpdate("INSERT INTO t VALUES (" + i + ", " + (i * 3) + ")");
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
        for (int i = 0; i < PREPARED; i++) {
          ps.setInt(1, 1 + i % (STATEMENTS - 1));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              checksum += rs.getInt(1);
            }
          }
        }
      }
    }
    for (int i = 0; i < WORK; i++) {
      checksum += work(i);
    }
    Thread.sleep(1200);
    System.out.println("RESULT " + checksum);
  }

  static int work(int i) {
    return i * 7 % 5;
  }
}
