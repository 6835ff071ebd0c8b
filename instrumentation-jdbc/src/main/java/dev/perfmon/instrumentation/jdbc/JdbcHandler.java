package dev.perfmon.instrumentation.jdbc;

import dev.perfmon.bootstrap.CallDepth;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.bootstrap.jdbc.JdbcHooks;
import dev.perfmon.instrumentation.api.Operations;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent side of the JDBC instrumentation: turns the events reported by the woven advice (via
 * {@link JdbcHooks}) into operation samples.
 *
 * <p>Cost on the call path: a plain {@code Statement.execute(sql)} costs one {@link SqlCache}
 * look-up (the SQL text is parsed only on a miss); a prepared statement's execution costs one
 * {@link WeakIdentityMap} look-up, because the operation id was resolved when the statement was
 * prepared. Metadata (normalised SQL, database product and URL) is captured once per operation,
 * when the operation is first seen, and the database description is read once per connection, as a
 * nested JDBC call (see {@link #readDbInfo}).
 *
 * <p>Raw SQL is used only as a cache key; it is never logged, stored in metadata or written out.
 * Thread-safe.
 */
public final class JdbcHandler implements JdbcHooks.Handler {
  /** Prepared statements whose SQL is unknown (prepared before the agent attached). */
  public static final String PREPARED_BEFORE_ATTACH = "jdbc.{prepared before attach}";
  /** Plain-statement batches mixing different statements, and empty batches. */
  public static final String MIXED_BATCH = "jdbc.batch";

  public static final String COMMIT = "jdbc.commit";
  public static final String ROLLBACK = "jdbc.rollback";
  public static final String GET_CONNECTION = "jdbc.getConnection";

  /** Marks a pending plain-statement batch made of different statements. */
  private static final Integer MIXED = -2;
  private static final int UNRESOLVED = -1;

  private final Operations operations;
  private final SqlNormalizer normalizer;
  private final boolean verbTable;
  private final SqlCache cache;
  private final WeakIdentityMap<Integer> prepared = new WeakIdentityMap<>();
  private final WeakIdentityMap<Integer> batches = new WeakIdentityMap<>();
  private final WeakIdentityMap<DbInfo> databases = new WeakIdentityMap<>();
  private final Set<Integer> described = ConcurrentHashMap.newKeySet();
  private final int[] maxBatch = new int[Recorders.CAPACITY];

  private volatile int commitId = UNRESOLVED;
  private volatile int rollbackId = UNRESOLVED;
  private volatile int getConnectionId = UNRESOLVED;
  private volatile int beforeAttachId = UNRESOLVED;
  private volatile int mixedBatchId = UNRESOLVED;

  /**
   * @param nameMode {@code normalized} or {@code verb-table}
   * @param maxSqlLength longest normalised SQL kept in names and metadata
   * @param cacheSize raw-SQL cache generation size
   */
  public JdbcHandler(Operations operations, String nameMode, int maxSqlLength, int cacheSize) {
    this.operations = operations;
    this.normalizer = new SqlNormalizer(maxSqlLength);
    this.verbTable = "verb-table".equals(nameMode);
    this.cache = new SqlCache(cacheSize);
  }

  // --------------------------------------------------------------------------------------------
  // Hooks

  @Override
  public void statementExecuted(Object statement, String sql, long nanos, boolean error) {
    PerfMon.recordNanos(idOf(sql, statement), nanos, error);
  }

  @Override
  public void statementPrepared(Object connection, Object statement, String sql) {
    prepared.put(statement, idOf(sql, connection));
  }

  @Override
  public void preparedExecuted(Object statement, long nanos, boolean error) {
    Integer id = prepared.get(statement);
    PerfMon.recordNanos(id != null ? id : beforeAttachId(), nanos, error);
  }

  @Override
  public void batchAdded(Object statement, String sql) {
    Integer id = idOf(sql, statement);
    Integer pending = batches.get(statement);
    if (pending == null) {
      batches.put(statement, id);
    } else if (!pending.equals(id) && !pending.equals(MIXED)) {
      batches.put(statement, MIXED);
    }
  }

  @Override
  public void batchCleared(Object statement) {
    batches.remove(statement);
  }

  @Override
  public void batchExecuted(Object statement, Object result, long nanos, boolean error) {
    Integer pending = batches.remove(statement);
    int id;
    if (pending != null) {
      id = pending.equals(MIXED) ? mixedBatchId() : pending;
    } else {
      Integer p = prepared.get(statement);
      if (p != null) {
        id = p;
      } else if (statement instanceof PreparedStatement) {
        id = beforeAttachId();
      } else {
        id = mixedBatchId();
      }
    }
    PerfMon.recordNanos(id, nanos, error);
    int size =
        result instanceof int[] ints
            ? ints.length
            : result instanceof long[] longs ? longs.length : -1;
    if (id > 0 && id < maxBatch.length && size > maxBatch[id]) {
      // Rare (only when a batch is larger than any before it); locked so that two threads cannot
      // leave the smaller size as the maximum, in the array or in the operation's metadata.
      synchronized (maxBatch) {
        if (size > maxBatch[id]) {
          maxBatch[id] = size;
          operations.describe(id, "batch.maxSize", Integer.toString(size));
        }
      }
    }
  }

  @Override
  public void committed(long nanos, boolean error) {
    int id = commitId;
    if (id == UNRESOLVED) {
      commitId = id = fixed(COMMIT);
    }
    PerfMon.recordNanos(id, nanos, error);
  }

  @Override
  public void rolledBack(long nanos, boolean error) {
    int id = rollbackId;
    if (id == UNRESOLVED) {
      rollbackId = id = fixed(ROLLBACK);
    }
    PerfMon.recordNanos(id, nanos, error);
  }

  @Override
  public void connectionAcquired(long nanos, boolean error) {
    int id = getConnectionId;
    if (id == UNRESOLVED) {
      getConnectionId = id = fixed(GET_CONNECTION);
    }
    PerfMon.recordNanos(id, nanos, error);
  }

  // --------------------------------------------------------------------------------------------
  // Ids and metadata

  /**
   * The operation id of {@code sql}: a cache hit, or normalise, register and describe.
   *
   * @param source the statement or connection the SQL belongs to (for the database description)
   */
  int idOf(String sql, Object source) {
    if (sql == null) {
      return fixed("jdbc.{empty}");
    }
    Integer id = cache.get(sql);
    if (id != null) {
      return id;
    }
    SqlNormalizer.Result r = normalizer.normalizeBoth(sql);
    int fresh = operations.idOf("jdbc." + (verbTable ? r.verbTable : r.sql));
    cache.put(sql, fresh);
    if (described.add(fresh)) {
      operations.describe(fresh, "kind", "jdbc");
      operations.describe(fresh, "sql", r.sql);
      DbInfo db = dbInfo(source);
      if (db != null) {
        if (db.product != null) {
          operations.describe(fresh, "db.product", db.product);
        }
        if (db.url != null) {
          operations.describe(fresh, "db.url", db.url);
        }
      }
    }
    return fresh;
  }

  private int fixed(String name) {
    int id = operations.idOf(name);
    if (described.add(id)) {
      operations.describe(id, "kind", "jdbc");
    }
    return id;
  }

  private int beforeAttachId() {
    int id = beforeAttachId;
    if (id == UNRESOLVED) {
      beforeAttachId = id = fixed(PREPARED_BEFORE_ATTACH);
    }
    return id;
  }

  private int mixedBatchId() {
    int id = mixedBatchId;
    if (id == UNRESOLVED) {
      mixedBatchId = id = fixed(MIXED_BATCH);
    }
    return id;
  }

  /** Product name and sanitised URL of the database behind a statement or connection. */
  private DbInfo dbInfo(Object source) {
    try {
      Connection c;
      if (source instanceof Connection connection) {
        c = connection;
      } else if (source instanceof Statement statement) {
        c = statement.getConnection();
      } else {
        return null;
      }
      if (c == null) {
        return null;
      }
      DbInfo info = databases.get(c);
      if (info == null) {
        info = readDbInfo(c);
        databases.put(c, info);
      }
      return info;
    } catch (Throwable t) {
      // A closed statement or a driver without metadata: the operation simply has no db.* entries.
      return null;
    }
  }

  /**
   * Reads the database's product name and URL, once per connection, as a nested JDBC call: this
   * runs from exit advice after the depth counters are back to zero, and a driver may run
   * statements of its own to answer {@code getMetaData()} (some ask the server for its version).
   * Without the guard those statements would be recorded as operations of their own and re-enter
   * this handler (whose {@link #idOf} would ask for the metadata again); with every JDBC depth
   * raised, their advice sees a nested call and records nothing.
   */
  private static DbInfo readDbInfo(Connection c) throws java.sql.SQLException {
    int[] depth = CallDepth.slots();
    depth[CallDepth.JDBC_STATEMENT]++;
    depth[CallDepth.JDBC_PREPARE]++;
    depth[CallDepth.JDBC_CONNECTION]++;
    depth[CallDepth.JDBC_TRANSACTION]++;
    try {
      DatabaseMetaData md = c.getMetaData();
      return new DbInfo(md.getDatabaseProductName(), JdbcUrls.sanitize(md.getURL()));
    } finally {
      depth[CallDepth.JDBC_STATEMENT]--;
      depth[CallDepth.JDBC_PREPARE]--;
      depth[CallDepth.JDBC_CONNECTION]--;
      depth[CallDepth.JDBC_TRANSACTION]--;
    }
  }

  /** Drops all per-statement state and caches (on detach). */
  void clear() {
    cache.clear();
    prepared.clear();
    batches.clear();
    databases.clear();
  }

  /** For tests: how many raw SQL texts are cached. */
  int cachedStatements() {
    return cache.size();
  }

  /** For tests: how many prepared statements are tracked (including not yet purged). */
  int trackedPreparedStatements() {
    return prepared.size();
  }

  private static final class DbInfo {
    final String product;
    final String url;

    DbInfo(String product, String url) {
      this.product = product;
      this.url = url;
    }
  }
}
