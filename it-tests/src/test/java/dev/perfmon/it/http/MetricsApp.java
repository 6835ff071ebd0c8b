package dev.perfmon.it.http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The monitored application of {@link MetricsIT}: JDBC statements on an in-memory H2 database
 * whose table name holds a double quote, a backslash and a line feed (so the operation name, and
 * the Prometheus label made of it, does too), and {@code ops} timed methods {@code Ops.opN}. Then
 * prints READY and waits.
 *
 * <p>Arguments: {@code ops seconds}.
 */
public final class MetricsApp {
  private MetricsApp() {}

  public static void main(String[] args) throws Exception {
    int ops = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:metrics", "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE \"we\"\"ird\\tab\nname\" (id INT PRIMARY KEY)");
      s.executeUpdate("INSERT INTO \"we\"\"ird\\tab\nname\" (id) VALUES (1)");
      for (int i = 0; i < 5; i++) {
        try (ResultSet rs = s.executeQuery("SELECT id FROM \"we\"\"ird\\tab\nname\" WHERE id = " + i)) {
          while (rs.next()) {
            rs.getInt(1);
          }
        }
      }
    }
    long sum = 0;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < ops; i++) {
        sum += Ops.call(i);
      }
    }
    System.out.println("READY " + sum);
    Thread.sleep(seconds * 1000);
  }

  /** Methods timed as distinct operations (one per {@code i}, by the pattern's name). */
  public static final class Ops {
    private Ops() {}

    static long call(int i) {
      return switch (i % 4) {
        case 0 -> a(i);
        case 1 -> b(i);
        case 2 -> c(i);
        default -> d(i);
      };
    }

    public static long a(int i) {
      return i + 1L;
    }

    public static long b(int i) {
      return i + 2L;
    }

    public static long c(int i) {
      return i + 3L;
    }

    public static long d(int i) {
      return i + 4L;
    }
  }
}
