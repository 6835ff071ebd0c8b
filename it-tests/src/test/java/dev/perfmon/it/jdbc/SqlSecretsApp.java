package dev.perfmon.it.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The monitored application of {@link SqlSecretsIT}: statements whose literals are secrets, run
 * against one database, with no knowledge of the agent. Prints {@code SQL-DONE} and then waits to
 * be stopped, so that the test can read the agent's status file while the JVM runs.
 *
 * <p>Arguments: {@code url user password dialect} ({@code h2}, {@code postgresql}, {@code mariadb}).
 */
public final class SqlSecretsApp {
  private SqlSecretsApp() {}

  /** Secrets: 32 hex digits (strings, comments) and 17-digit numbers. */
  static String s(int i) {
    return String.format(java.util.Locale.ROOT, "c%07x%08xd%015x", 0x5ec7e7 + i, 0x9e3779b9L * (i + 1) & 0xffffffffL, 0x1234567L * (i + 7));
  }

  static String n(int i) {
    return Long.toString(73_000_000_000_000_000L + 1_234_567_891_234L * (i + 1));
  }

  /** The statements of one dialect: s(0) to s(17) and n(0) to n(9); main adds s(18) and s(19). */
  static List<String> statements(String dialect) {
    List<String> out = new ArrayList<>();
    out.add("INSERT INTO sec_it (id, name, note) VALUES (" + n(0) + ", '" + s(0) + "', 'it''s " + s(1) + "')");
    out.add("INSERT INTO sec_it (id, name, note) VALUES (" + n(1) + ", '" + s(2) + "', 'x'), (" + n(2) + ", '" + s(3) + "', 'y')");
    out.add("SELECT * FROM sec_it WHERE name = '" + s(4) + "' AND id = " + n(3));
    out.add("SELECT * FROM sec_it WHERE id IN (" + n(4) + ", " + n(5) + ") OR name IN ('" + s(5) + "', '" + s(6) + "')");
    out.add("SELECT * FROM sec_it /* " + s(7) + " */ WHERE note = '" + s(8) + "' -- " + s(9) + "\n");
    out.add("UPDATE sec_it SET note = '" + s(10) + "' WHERE id = -" + n(6) + " OR id > " + n(7) + ".5");
    out.add("DELETE FROM sec_it WHERE name LIKE '%" + s(11) + "%' AND id <> " + n(8));
    switch (dialect) {
      case "postgresql" -> {
        out.add("SELECT $$" + s(12) + " it's$$ AS a, $tag$ " + s(13) + " $$ $tag$ AS b");
        out.add("SELECT E'\\'" + s(14) + "\\\\' AS a");
        out.add("SELECT * FROM sec_it WHERE name = 'C:\\" + s(15) + "\\' AND note = '" + s(16) + "'");
        out.add("SELECT /* outer /* " + s(17) + " */ still */ 1");
      }
      case "mariadb" -> {
        out.add("SELECT * FROM sec_it WHERE name = \"" + s(12) + "\" OR note IN (\"" + s(13) + "\")");
        out.add("SELECT * FROM sec_it WHERE note = 'it\\'s " + s(14) + "' AND name = '" + s(15) + "'");
        out.add("SELECT * FROM sec_it WHERE note = \"it\\\"s " + s(16) + "\"");
        out.add("SELECT 1 # " + s(17) + "\n");
      }
      default -> {
        out.add("SELECT * FROM sec_it WHERE name = U&'" + s(12) + "' OR note = X'" + s(13) + "'");
        out.add("SELECT * FROM sec_it WHERE name = N'" + s(14) + "'");
        out.add("SELECT CASE WHEN id = " + n(9) + " THEN '" + s(15) + "' ELSE '" + s(16) + "' END FROM sec_it");
        out.add("SELECT /* " + s(17) + " */ 1");
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String dialect = args[3];
    int failed = 0;
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS sec_it");
      st.execute("CREATE TABLE sec_it (id BIGINT, name VARCHAR(200), note VARCHAR(200))");
      for (String sql : statements(dialect)) {
        try {
          st.execute(sql);
        } catch (SQLException e) {
          failed++; // the agent names a failing statement too; its message is not printed
        }
      }
      // A literal inside a prepared statement, and a secret parameter value (never read).
      try (PreparedStatement ps =
          c.prepareStatement("SELECT * FROM sec_it WHERE id = ? AND note <> '" + s(18) + "'")) {
        ps.setString(1, s(19));
        try {
          ps.execute();
        } catch (SQLException e) {
          failed++;
        }
      }
      st.execute("DROP TABLE sec_it");
    }
    System.out.println("SQL-DONE failed=" + failed);
    System.out.flush();
    Thread.sleep(120_000);
  }
}
