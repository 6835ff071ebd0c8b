package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.h2.jdbc.JdbcSQLIntegrityConstraintViolationException;
import org.h2.jdbc.JdbcSQLSyntaxErrorException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDBC module woven into real H2 and HikariCP classes in this JVM. Counts are read from the
 * operation recorders; each test uses its own tables so that its operation names are its own, and
 * compares counts before and after where a name is shared (commit, rollback, getConnection).
 */
class JdbcH2ForkedTest {
  private static InProcessAgent agent;

  @BeforeAll
  static void installAgent() throws Exception {
    agent = InProcessAgent.install();
  }

  @AfterEach
  void noAgentErrors() {
    if (Boolean.getBoolean("jdbc.test.dump")) {
      for (String n : agent.operationNames()) {
        System.err.println("OP " + agent.count(n) + "/" + agent.errorCount(n) + " " + n + " " + agent.metadata(n));
      }
    }
    assertThat(agent.firstAdviceError()).as("first suppressed advice error").isNull();
    assertThat(agent.suppressedAdviceErrors()).isZero();
    assertThat(agent.errors).as("transformation errors").isEmpty();
  }

  private static Connection h2(String db) throws SQLException {
    return DriverManager.getConnection("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1", "sa", "");
  }

  @Test
  void bootstrapHooksLiveOnTheBootClassPathAndDriverClassesAreWoven() throws Exception {
    try (Connection c = h2("woven")) {
      c.createStatement().execute("SELECT 1");
      c.prepareStatement("SELECT 2").executeQuery().close();
    }
    assertThat(dev.perfmon.bootstrap.jdbc.JdbcHooks.class.getClassLoader()).isNull();
    assertThat(agent.transformed)
        .contains(
            "java.sql.DriverManager",
            "org.h2.jdbc.JdbcStatement",
            "org.h2.jdbc.JdbcPreparedStatement",
            "org.h2.jdbc.JdbcConnection");
    // Interfaces are never woven.
    assertThat(agent.transformed).doesNotContain("java.sql.Statement", "java.sql.Connection");
    // Byte Buddy's type matchers reuse the walk of the class-file test: at least once for each of
    // the three driver classes woven (a class that declares no JDBC method name is not walked).
    assertThat(JdbcTypes.WALKS.sum()).isPositive();
    assertThat(JdbcTypes.MEMO_HITS.sum()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void plainStatementsAreNamedAfterTheirNormalisedSql() throws Exception {
    long connectionsBefore = agent.count(JdbcHandler.GET_CONNECTION);
    try (Connection c = h2("plain");
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100))");
      s.executeUpdate("INSERT INTO users (id, name, email) VALUES (1, 'alice', 'alice@example.com')");
      s.executeUpdate("INSERT INTO users (id, name, email) VALUES (2, 'bob', 'bob@example.com')");
      s.executeUpdate("INSERT INTO users   (id, name, email)\n VALUES (3, 'carol', 'carol@example.com')");
      for (int i = 1; i <= 3; i++) {
        try (ResultSet rs = s.executeQuery("SELECT id, name FROM users WHERE id = " + i)) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(i);
        }
      }
      assertThat(s.execute("SELECT count(*) FROM users WHERE email LIKE '%example.com'")).isTrue();
      assertThat(s.executeLargeUpdate("UPDATE users SET name = 'x' WHERE id > 1")).isEqualTo(2L);
    }
    assertThat(agent.count(JdbcHandler.GET_CONNECTION) - connectionsBefore).isEqualTo(1);
    String insert = "jdbc.INSERT INTO users (id, name, email) VALUES (?, ?, ?)";
    String select = "jdbc.SELECT id, name FROM users WHERE id = ?";
    assertThat(agent.count(insert)).isEqualTo(3);
    assertThat(agent.count(select)).isEqualTo(3);
    assertThat(agent.count("jdbc.SELECT count(*) FROM users WHERE email LIKE ?")).isEqualTo(1);
    assertThat(agent.count("jdbc.UPDATE users SET name = ? WHERE id > ?")).isEqualTo(1);
    assertThat(agent.errorCount(select)).isZero();

    assertThat(agent.metadata(select))
        .containsEntry("sql", "SELECT id, name FROM users WHERE id = ?")
        .containsEntry("db.product", "H2")
        .containsEntry("db.url", "jdbc:h2:mem:plain")
        .containsEntry("kind", "jdbc");
    for (String name : agent.operationNames()) {
      assertThat(name).doesNotContain("alice", "example.com", "bob", "carol", "DB_CLOSE_DELAY");
      assertThat(agent.metadata(name).toString()).doesNotContain("alice", "DB_CLOSE_DELAY");
    }
  }

  @Test
  void preparedStatementExecutedNTimesIsCountedNTimes() throws Exception {
    long beforeAttach = agent.count(JdbcHandler.PREPARED_BEFORE_ATTACH);
    try (Connection c = h2("prepared")) {
      c.createStatement().executeUpdate("CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(20))");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO items (id, label) VALUES (?, 'fixed')")) {
        for (int i = 0; i < 25; i++) {
          ins.setInt(1, i);
          assertThat(ins.executeUpdate()).isEqualTo(1);
        }
      }
      try (PreparedStatement q = c.prepareStatement("SELECT label FROM items WHERE id IN (?, ?, ?)")) {
        for (int i = 0; i < 7; i++) {
          q.setInt(1, i);
          q.setInt(2, i + 1);
          q.setInt(3, i + 2);
          try (ResultSet rs = q.executeQuery()) {
            assertThat(rs.next()).isTrue();
          }
        }
        q.setInt(1, 1);
        q.setInt(2, 2);
        q.setInt(3, 3);
        assertThat(q.execute()).isTrue();
      }
      try (CallableStatement call = c.prepareCall("{call ABS(?)}")) {
        for (int i = 0; i < 4; i++) {
          call.setInt(1, -i);
          call.execute();
        }
      }
    }
    assertThat(agent.count("jdbc.INSERT INTO items (id, label) VALUES (?, ?)")).isEqualTo(25);
    assertThat(agent.count("jdbc.SELECT label FROM items WHERE id IN (?)")).isEqualTo(8);
    assertThat(agent.count("jdbc.{call ABS(?)}")).isEqualTo(4);
    assertThat(agent.count(JdbcHandler.PREPARED_BEFORE_ATTACH) - beforeAttach).isZero();
  }

  @Test
  void failingCallsAreErrorsAndTheExceptionPropagatesUntouched() throws Exception {
    try (Connection c = h2("failing");
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE f (id INT PRIMARY KEY)");
      s.executeUpdate("INSERT INTO f VALUES (1)");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM no_such_table WHERE a = 5"))
          .isExactlyInstanceOf(JdbcSQLSyntaxErrorException.class)
          .hasMessageContaining("NO_SUCH_TABLE");
      try (PreparedStatement dup = c.prepareStatement("INSERT INTO f (id) VALUES (?)")) {
        dup.setInt(1, 2);
        dup.executeUpdate();
        dup.setInt(1, 1);
        assertThatThrownBy(dup::executeUpdate)
            .isExactlyInstanceOf(JdbcSQLIntegrityConstraintViolationException.class);
      }
    }
    assertThat(agent.count("jdbc.SELECT * FROM no_such_table WHERE a = ?")).isEqualTo(1);
    assertThat(agent.errorCount("jdbc.SELECT * FROM no_such_table WHERE a = ?")).isEqualTo(1);
    assertThat(agent.count("jdbc.INSERT INTO f (id) VALUES (?)")).isEqualTo(2);
    assertThat(agent.errorCount("jdbc.INSERT INTO f (id) VALUES (?)")).isEqualTo(1);
    assertThat(agent.errorCount("jdbc.INSERT INTO f VALUES (?)")).isZero();
  }

  @Test
  void commitAndRollbackAreTimed() throws Exception {
    long commits = agent.count(JdbcHandler.COMMIT);
    long rollbacks = agent.count(JdbcHandler.ROLLBACK);
    try (Connection c = h2("tx")) {
      c.createStatement().executeUpdate("CREATE TABLE tx (id INT)");
      c.setAutoCommit(false);
      c.createStatement().executeUpdate("INSERT INTO tx VALUES (1)");
      c.commit();
      c.createStatement().executeUpdate("INSERT INTO tx VALUES (2)");
      c.rollback();
      Savepoint sp = c.setSavepoint();
      c.createStatement().executeUpdate("INSERT INTO tx VALUES (3)");
      c.rollback(sp);
      c.commit();
      try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM tx")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      c.setAutoCommit(true);
    }
    assertThat(agent.count(JdbcHandler.COMMIT) - commits).isEqualTo(2);
    assertThat(agent.count(JdbcHandler.ROLLBACK) - rollbacks).isEqualTo(2);
  }

  @Test
  void batchesAreNamedAfterTheirStatementWithTheirSize() throws Exception {
    try (Connection c = h2("batch")) {
      c.createStatement().executeUpdate("CREATE TABLE b (id INT, v VARCHAR(10))");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO b (id, v) VALUES (?, ?)")) {
        for (int i = 0; i < 5; i++) {
          ps.setInt(1, i);
          ps.setString(2, "v" + i);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).hasSize(5);
        for (int i = 0; i < 3; i++) {
          ps.setInt(1, i);
          ps.setString(2, "w" + i);
          ps.addBatch();
        }
        assertThat(ps.executeLargeBatch()).hasSize(3);
      }
      try (Statement s = c.createStatement()) {
        s.addBatch("UPDATE b SET v = 'p' WHERE id = 1");
        s.addBatch("UPDATE b SET v = 'q' WHERE id = 2");
        assertThat(s.executeBatch()).hasSize(2);
        s.addBatch("DELETE FROM b WHERE id = 4");
        s.addBatch("UPDATE b SET v = 'r' WHERE id = 3");
        assertThat(s.executeBatch()).hasSize(2);
        s.addBatch("DELETE FROM b WHERE id = 9");
        s.clearBatch();
        s.addBatch("UPDATE b SET v = 's' WHERE id = 0");
        assertThat(s.executeBatch()).hasSize(1);
      }
    }
    String prepared = "jdbc.INSERT INTO b (id, v) VALUES (?, ?)";
    assertThat(agent.count(prepared)).isEqualTo(2);
    assertThat(agent.metadata(prepared)).containsEntry("batch.maxSize", "5");
    String update = "jdbc.UPDATE b SET v = ? WHERE id = ?";
    assertThat(agent.count(update)).isEqualTo(2);
    assertThat(agent.metadata(update)).containsEntry("batch.maxSize", "2");
    assertThat(agent.count(JdbcHandler.MIXED_BATCH)).isEqualTo(1);
    assertThat(agent.count("jdbc.DELETE FROM b WHERE id = ?")).isZero();
  }

  @Test
  void dataSourceAcquisitionIsCountedOnce() throws Exception {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:ds;DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    long before = agent.count(JdbcHandler.GET_CONNECTION);
    for (int i = 0; i < 3; i++) {
      try (Connection c = ds.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
      }
    }
    try (Connection c = ds.getConnection("sa", "")) {
      assertThat(c.isClosed()).isFalse();
    }
    assertThat(agent.count(JdbcHandler.GET_CONNECTION) - before).isEqualTo(4);
  }

  @Test
  void hikariProxiesAreTimedOnceAtTheOutermostLevel() throws Exception {
    long connections = agent.count(JdbcHandler.GET_CONNECTION);
    long commits = agent.count(JdbcHandler.COMMIT);
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl("jdbc:h2:mem:hikari;DB_CLOSE_DELAY=-1");
      // One physical connection, opened inside the first getConnection(): every count below is
      // the application's own calls.
      ds.setMaximumPoolSize(1);
      ds.setMinimumIdle(1);
      ds.setPoolName("jdbc-test-pool");
      try (Connection c = ds.getConnection()) {
        c.createStatement().executeUpdate("CREATE TABLE h (id INT, name VARCHAR(10))");
      }
      for (int i = 0; i < 4; i++) {
        try (Connection c = ds.getConnection();
            PreparedStatement ps = c.prepareStatement("INSERT INTO h (id, name) VALUES (?, ?)")) {
          ps.setInt(1, i);
          ps.setString(2, "n" + i);
          ps.executeUpdate();
        }
      }
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM h WHERE name <> 'zz'")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(4);
        }
        c.commit();
        c.setAutoCommit(true);
      }
      assertThat(agent.count(JdbcHandler.GET_CONNECTION) - connections).isEqualTo(6);
    }
    assertThat(agent.count("jdbc.CREATE TABLE h (id INT, name VARCHAR(?))")).isEqualTo(1);
    assertThat(agent.count("jdbc.INSERT INTO h (id, name) VALUES (?, ?)")).isEqualTo(4);
    assertThat(agent.count("jdbc.SELECT count(*) FROM h WHERE name <> ?")).isEqualTo(1);
    assertThat(agent.count(JdbcHandler.COMMIT) - commits).isEqualTo(1);
    assertThat(agent.transformed)
        .contains("com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.pool.ProxyStatement");
  }

  @Test
  void statementsPreparedBeforeTheHandlerExistAreCountedApart() throws Exception {
    long beforeAttach = agent.count(JdbcHandler.PREPARED_BEFORE_ATTACH);
    try (Connection c = h2("before")) {
      PreparedStatement ps = c.prepareStatement("SELECT 'secret-literal' FROM dual WHERE 1 = ?");
      // A fresh handler knows nothing of the statement, as after a dynamic attach.
      agent.module.stop();
      agent.module.start(agent.context());
      ps.setInt(1, 1);
      for (int i = 0; i < 3; i++) {
        ps.executeQuery().close();
      }
      ps.close();
    }
    assertThat(agent.count(JdbcHandler.PREPARED_BEFORE_ATTACH) - beforeAttach).isEqualTo(3);
    for (String name : agent.operationNames()) {
      assertThat(name).doesNotContain("secret-literal");
    }
  }

  @Test
  void verbTableModeNamesByVerbAndTable() throws Exception {
    JdbcHandler verbTable = new JdbcHandler(agent.registry, "verb-table", 300, 64);
    dev.perfmon.bootstrap.jdbc.JdbcHooks.setHandler(verbTable);
    try (Connection c = h2("verbs");
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE accounts (id INT, owner VARCHAR(10))");
      s.executeUpdate("INSERT INTO accounts VALUES (1, 'a')");
      s.executeUpdate("INSERT INTO accounts (id, owner) VALUES (2, 'b')");
      try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM accounts WHERE id = ?")) {
        ps.setInt(1, 1);
        ps.executeQuery().close();
        ps.executeQuery().close();
      }
    } finally {
      agent.module.stop();
      agent.module.start(agent.context());
    }
    assertThat(agent.count("jdbc.CREATE accounts")).isEqualTo(1);
    assertThat(agent.count("jdbc.INSERT accounts")).isEqualTo(2);
    assertThat(agent.count("jdbc.SELECT accounts")).isEqualTo(2);
  }

  /**
   * A driver's connection whose {@code getMetaData()} runs a statement of its own, as some drivers
   * do to ask the server for its version: the agent reads the database's product and URL through
   * it, and that statement must not be recorded as an operation of its own (nor re-enter the
   * agent), and the metadata is read once per connection.
   */
  static final class MetadataQueryingConnection extends org.h2.jdbc.JdbcConnection {
    final java.util.concurrent.atomic.AtomicInteger metadataCalls = new java.util.concurrent.atomic.AtomicInteger();

    MetadataQueryingConnection(String url) throws SQLException {
      super(url, new java.util.Properties(), "sa", "", false);
    }

    @Override
    public java.sql.DatabaseMetaData getMetaData() throws SQLException {
      metadataCalls.incrementAndGet();
      try (Statement s = createStatement();
          ResultSet rs = s.executeQuery("SELECT 'server version' AS metadata_probe")) {
        rs.next();
      }
      return super.getMetaData();
    }
  }

  @Test
  void aDriverWhoseMetadataRunsAStatementIsNotReenteredNorTimedTwice() throws Exception {
    MetadataQueryingConnection c = new MetadataQueryingConnection("jdbc:h2:mem:metaprobe;DB_CLOSE_DELAY=-1");
    try (c) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE metaprobe (id INT)");
      }
      for (int i = 0; i < 3; i++) {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM metaprobe WHERE id = ?")) {
          ps.setInt(1, i);
          ps.executeQuery().close();
        }
      }
    }
    assertThat(agent.operationNames()).as("the metadata's own statement").noneMatch(n -> n.contains("metadata_probe"));
    assertThat(agent.count("jdbc.CREATE TABLE metaprobe (id INT)")).isEqualTo(1);
    assertThat(agent.count("jdbc.SELECT id FROM metaprobe WHERE id = ?")).isEqualTo(3);
    assertThat(agent.metadata("jdbc.SELECT id FROM metaprobe WHERE id = ?")).containsEntry("db.product", "H2");
    assertThat(c.metadataCalls.get()).as("database facts read once per connection").isEqualTo(1);
  }
}
