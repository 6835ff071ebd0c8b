package dev.perfmon.it.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The monitored application of {@link JdbcIT}: a fixed JDBC workload against one database, with
 * no knowledge of the agent. Every count that JdbcIT asserts is written down here next to the
 * calls that produce it.
 *
 * <p>Arguments: {@code url user password}.
 */
public final class JdbcApp {
  /** The literal-stripping proof: neither literal may reach the agent's output. */
  static final String SECRET_QUERY =
      "SELECT id FROM jdbc_it_users WHERE email = 'alice@example.com' AND age > 42";

  private JdbcApp() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String password = args.length > 2 ? args[2] : "";
    long checksum = 0;

    // getConnection: 1
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS jdbc_it_users");
      s.execute("DROP TABLE IF EXISTS jdbc_it_orders");
      s.execute("CREATE TABLE jdbc_it_users (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), age INT)");
      s.execute("CREATE TABLE jdbc_it_orders (id INT PRIMARY KEY, user_id INT, total DECIMAL(10, 2))");

      // executeUpdate, literals inline: 3 x "INSERT INTO jdbc_it_users (...) VALUES (?, ?, ?, ?)"
      s.executeUpdate("INSERT INTO jdbc_it_users (id, name, email, age) VALUES (1, 'alice', 'alice@example.com', 61)");
      s.executeUpdate("INSERT INTO jdbc_it_users (id, name, email, age) VALUES (2, 'bob', 'bob@example.org', 37)");
      s.executeUpdate("INSERT INTO jdbc_it_users (id, name, email, age) VALUES (3, 'carol', 'carol@example.net', 29)");

      // executeQuery, literals inline: 3 x "SELECT id, name FROM jdbc_it_users WHERE id = ?"
      for (int id = 1; id <= 3; id++) {
        try (ResultSet rs = s.executeQuery("SELECT id, name FROM jdbc_it_users WHERE id = " + id)) {
          while (rs.next()) {
            checksum += rs.getInt(1);
          }
        }
      }
      // 1 x the secret query
      try (ResultSet rs = s.executeQuery(SECRET_QUERY)) {
        while (rs.next()) {
          checksum += rs.getInt(1);
        }
      }

      // prepared: 50 executions of one statement, 10 of another
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM jdbc_it_users WHERE id = ?")) {
        for (int i = 0; i < 50; i++) {
          ps.setInt(1, 1 + i % 3);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              checksum += rs.getString(1).length();
            }
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE jdbc_it_users SET age = age + ? WHERE id = ?")) {
        for (int i = 0; i < 10; i++) {
          ps.setInt(1, 1);
          ps.setInt(2, 1 + i % 3);
          checksum += ps.executeUpdate();
        }
      }

      // batch: 1 executeBatch of 20 rows
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_it_orders (id, user_id, total) VALUES (?, ?, ?)")) {
        for (int i = 0; i < 20; i++) {
          ps.setInt(1, 100 + i);
          ps.setInt(2, 1 + i % 3);
          ps.setBigDecimal(3, new java.math.BigDecimal("9.99"));
          ps.addBatch();
        }
        checksum += ps.executeBatch().length;
      }

      // failing statement: 1 call, 1 error
      try {
        s.executeQuery("SELECT * FROM jdbc_it_missing_table WHERE x = 5").close();
        throw new IllegalStateException("query on a missing table succeeded");
      } catch (SQLException expected) {
        System.out.println("EXPECTED-FAILURE sqlstate=" + expected.getSQLState());
      }

      // transactions: 1 commit, 1 rollback
      c.setAutoCommit(false);
      s.executeUpdate("UPDATE jdbc_it_users SET name = 'committed' WHERE id = 2");
      c.commit();
      s.executeUpdate("UPDATE jdbc_it_users SET name = 'rolled-back' WHERE id = 3");
      c.rollback();
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT name, age FROM jdbc_it_users WHERE id = 3")) {
        rs.next();
        if (!"carol".equals(rs.getString(1))) {
          throw new IllegalStateException("rollback did not roll back");
        }
      }
    }

    // HikariCP: 5 acquisitions through the pool, each counted once (the pool's one physical
    // connection is opened inside the first acquisition); 5 prepared executions through proxies.
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(url);
      ds.setUsername(user);
      ds.setPassword(password);
      ds.setMaximumPoolSize(1);
      ds.setMinimumIdle(1);
      ds.setPoolName("jdbc-it");
      for (int i = 0; i < 5; i++) {
        try (Connection c = ds.getConnection();
            PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM jdbc_it_users WHERE age < ?")) {
          ps.setInt(1, 100);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            checksum += rs.getInt(1);
          }
        }
      }
    }
    System.out.println("RESULT checksum=" + checksum);
    System.out.println("JDBC-APP-DONE");
  }
}
