package bench.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The application of {@code metrics-scrape.sh}: runs {@code n} distinct SQL statements on an
 * in-memory H2 database (each its own JDBC operation once the agent normalises it), each a few
 * times, prints READY and then keeps the JVM alive for the scrapes.
 *
 * <p>Arguments: {@code n seconds}.
 */
public final class ManyOperations {
  private ManyOperations() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    long seconds = Long.parseLong(args[1]);
    long sum = 0;
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:many", "sa", "");
        Statement s = c.createStatement()) {
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < n; i++) {
          try (ResultSet rs = s.executeQuery("SELECT " + round + " AS c" + i)) {
            while (rs.next()) {
              sum += rs.getInt(1);
            }
          }
        }
      }
    }
    System.out.println("READY " + sum);
    System.out.flush();
    Thread.sleep(seconds * 1000);
  }
}
