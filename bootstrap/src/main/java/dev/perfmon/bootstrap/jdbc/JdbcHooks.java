package dev.perfmon.bootstrap.jdbc;

import dev.perfmon.bootstrap.Faults;

/**
 * The bridge between woven JDBC advice and the agent's JDBC logic (SQL normalisation, operation
 * ids, per-statement state), which lives in the agent's class loader and is installed with {@link
 * #setHandler}. Until then, and after {@link #setHandler setHandler(null)}, every hook does nothing.
 *
 * <p>Parameters are typed {@code Object} on purpose: this class is on the bootstrap class path,
 * where the {@code java.sql} module (defined to the platform loader) is not visible.
 *
 * <p>Thread-safety: the handler reference is volatile; the hooks are called by any thread. The hooks
 * allocate nothing themselves; exceptions thrown by a handler propagate to the advice, whose
 * exception handler counts them in {@code AgentErrors} and never lets them reach the application.
 */
public final class JdbcHooks {

  /** Agent-side receiver of JDBC events. Implementations must be thread-safe and must not block. */
  public interface Handler {
    /** A {@code Statement.execute*(String sql, ...)} call finished. */
    void statementExecuted(Object statement, String sql, long nanos, boolean error);

    /** {@code Connection.prepareStatement/prepareCall(sql, ...)} returned {@code statement}. */
    void statementPrepared(Object connection, Object statement, String sql);

    /** A no-argument {@code PreparedStatement.execute*()} call finished. */
    void preparedExecuted(Object statement, long nanos, boolean error);

    /** {@code Statement.addBatch(String sql)} returned normally. */
    void batchAdded(Object statement, String sql);

    /** {@code Statement.clearBatch()} returned normally. */
    void batchCleared(Object statement);

    /**
     * {@code executeBatch()/executeLargeBatch()} finished; {@code result} is the returned {@code
     * int[]}/{@code long[]}, or null when the call threw.
     */
    void batchExecuted(Object statement, Object result, long nanos, boolean error);

    /** {@code Connection.commit()} finished. */
    void committed(long nanos, boolean error);

    /** {@code Connection.rollback(...)} finished. */
    void rolledBack(long nanos, boolean error);

    /** {@code DataSource.getConnection(..)} or {@code DriverManager.getConnection(..)} finished. */
    void connectionAcquired(long nanos, boolean error);
  }

  private static final Handler NONE = new NoOp();

  private static volatile Handler handler = NONE;

  private JdbcHooks() {}

  /** Installs the agent's handler; null restores the do-nothing default. */
  public static void setHandler(Handler h) {
    handler = h == null ? NONE : h;
  }

  /** The current handler (the do-nothing default when none is installed). */
  public static Handler handler() {
    return handler;
  }

  public static void statementExecuted(Object statement, String sql, long nanos, boolean error) {
    if (Faults.MASK != 0) {
      Faults.check(Faults.ADVICE); // tests only: a constant 0 otherwise
    }
    handler.statementExecuted(statement, sql, nanos, error);
  }

  public static void statementPrepared(Object connection, Object statement, String sql) {
    handler.statementPrepared(connection, statement, sql);
  }

  public static void preparedExecuted(Object statement, long nanos, boolean error) {
    if (Faults.MASK != 0) {
      Faults.check(Faults.ADVICE); // tests only: a constant 0 otherwise
    }
    handler.preparedExecuted(statement, nanos, error);
  }

  public static void batchAdded(Object statement, String sql) {
    handler.batchAdded(statement, sql);
  }

  public static void batchCleared(Object statement) {
    handler.batchCleared(statement);
  }

  public static void batchExecuted(Object statement, Object result, long nanos, boolean error) {
    handler.batchExecuted(statement, result, nanos, error);
  }

  public static void committed(long nanos, boolean error) {
    handler.committed(nanos, error);
  }

  public static void rolledBack(long nanos, boolean error) {
    handler.rolledBack(nanos, error);
  }

  public static void connectionAcquired(long nanos, boolean error) {
    handler.connectionAcquired(nanos, error);
  }

  private static final class NoOp implements Handler {
    @Override
    public void statementExecuted(Object statement, String sql, long nanos, boolean error) {}

    @Override
    public void statementPrepared(Object connection, Object statement, String sql) {}

    @Override
    public void preparedExecuted(Object statement, long nanos, boolean error) {}

    @Override
    public void batchAdded(Object statement, String sql) {}

    @Override
    public void batchCleared(Object statement) {}

    @Override
    public void batchExecuted(Object statement, Object result, long nanos, boolean error) {}

    @Override
    public void committed(long nanos, boolean error) {}

    @Override
    public void rolledBack(long nanos, boolean error) {}

    @Override
    public void connectionAcquired(long nanos, boolean error) {}
  }
}
