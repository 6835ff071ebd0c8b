package dev.perfmon.instrumentation.jdbc;

import dev.perfmon.bootstrap.jdbc.JdbcHooks;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Keys;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.InstrumentationModule;
import dev.perfmon.instrumentation.api.TypeInstrumentation;
import java.util.List;

/**
 * JDBC: statements, prepared and callable statements, batches, commit/rollback and connection
 * acquisition, on every driver and pool. Switched by {@code instrument.jdbc}; configured by {@code
 * jdbc.name-mode} and {@code jdbc.max-sql-length}.
 */
public final class JdbcInstrumentationModule implements InstrumentationModule {
  /** Raw SQL texts per cache generation (see {@link SqlCache}). */
  static final int SQL_CACHE_SIZE = 2048;

  private volatile JdbcHandler handler;

  @Override
  public String name() {
    return "jdbc";
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(
        new StatementInstrumentation(),
        new PreparedStatementInstrumentation(),
        new ConnectionInstrumentation(),
        new DataSourceInstrumentation(),
        new DriverManagerInstrumentation());
  }

  @Override
  public void start(AgentContext context) {
    AgentConfig config = context.config();
    JdbcHandler h =
        new JdbcHandler(
            context.operations(),
            config.get(Keys.JDBC_NAME_MODE),
            config.get(Keys.JDBC_MAX_SQL_LENGTH),
            SQL_CACHE_SIZE);
    handler = h;
    JdbcHooks.setHandler(h);
  }

  @Override
  public void stop() {
    JdbcHooks.setHandler(null);
    JdbcHandler h = handler;
    if (h != null) {
      h.clear();
    }
    handler = null;
  }

  /** The installed handler (for tests), or null before {@link #start}. */
  JdbcHandler handler() {
    return handler;
  }
}
