package example.fault;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs out of stack inside JDBC calls that nest in one another (an H2 function that queries the
 * database again, recursively), on threads with different stack sizes, then runs plain queries on
 * one of those same threads. The agent times JDBC calls at their outermost level only, with a
 * per-thread depth counter; a counter that running out of stack left above zero would make every
 * later query of that thread look nested, and so never timed.
 *
 * <p>Prints {@code RESULT ...} with how each trial ended (the same with and without the agent) and
 * {@code PLAIN n} with the number of plain queries run afterwards on a thread that overflowed.
 */
public final class JdbcStackApp {
  static final int PLAIN = 100;

  private JdbcStackApp() {}

  public static void main(String[] args) throws Exception {
    int trials = Integer.parseInt(args[0]);
    try (Connection setup = DriverManager.getConnection("jdbc:h2:mem:stack;DB_CLOSE_DELAY=-1", "sa", "");
        Statement s = setup.createStatement()) {
      s.execute("CREATE ALIAS DIVE FOR \"example.fault.JdbcStackApp.dive\"");
    }
    int overflowed = 0;
    int plain = 0;
    for (int i = 0; i < trials; i++) {
      int[] result = new int[2];
      Thread t =
          new Thread(
              null,
              () -> {
                try (Connection c = DriverManager.getConnection("jdbc:h2:mem:stack", "sa", "")) {
                  try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT DIVE(0)").close();
                  } catch (SQLException | StackOverflowError e) {
                    result[0] = isOverflow(e) ? 1 : 0;
                  }
                  // Afterwards, on the same thread: plain queries, each timed once.
                  for (int q = 0; q < PLAIN; q++) {
                    try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
                      rs.next();
                      result[1] += rs.getInt(1) == 42 ? 1 : 0;
                    }
                  }
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              },
              "jdbc-stack-" + i,
              256 * 1024 + i * 12_296L);
      t.start();
      t.join();
      overflowed += result[0];
      plain += result[1];
    }
    System.out.println("RESULT trials=" + trials + " overflowed=" + overflowed);
    System.out.println("PLAIN " + plain);
  }

  /** The statement ended in the stack overflow, directly or as H2's wrapped cause. */
  private static boolean isOverflow(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof StackOverflowError) {
        return true;
      }
    }
    return e instanceof SQLException;
  }

  /** The H2 function: queries the database again, one level deeper, until the stack is gone. */
  public static int dive(Connection c, int depth) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DIVE(" + (depth + 1) + ")")) {
      rs.next();
      return rs.getInt(1) + 1;
    }
  }
}
