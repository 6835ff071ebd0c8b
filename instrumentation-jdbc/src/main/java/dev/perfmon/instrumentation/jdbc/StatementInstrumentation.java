package dev.perfmon.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.perfmon.bootstrap.CallDepth;
import dev.perfmon.bootstrap.jdbc.JdbcHooks;
import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.Transformer;
import dev.perfmon.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Implementations of {@code java.sql.Statement} (and so of its sub-interfaces): the SQL-taking
 * {@code execute*} methods, {@code addBatch(String)}, {@code clearBatch()} and the batch
 * executions.
 */
public final class StatementInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return JdbcTypes.implementing(JdbcTypes.STATEMENT);
  }

  @Override
  public ClassFileTest classFileTest() {
    return JdbcTypes.implementingClassFile(JdbcTypes.STATEMENT);
  }

  /** The SQL-taking methods. */
  private static final String[] SQL_METHODS = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate"};

  private static final String[] BATCH_METHODS = {"executeBatch", "executeLargeBatch"};

  @Override
  public String[] adviceMethodNames() {
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(SQL_METHODS));
    names.add("addBatch");
    names.add("clearBatch");
    names.addAll(java.util.List.of(BATCH_METHODS));
    return names.toArray(new String[0]);
  }

  @Override
  public void transform(Transformer transformer) {
    transformer.applyAdvice(
        namedOneOf(SQL_METHODS)
            .and(takesArgument(0, String.class))
            .and(isPublic()),
        getClass().getName() + "$ExecuteSqlAdvice");
    transformer.applyAdvice(
        named("addBatch").and(takesArguments(String.class)).and(isPublic()),
        getClass().getName() + "$AddBatchAdvice");
    transformer.applyAdvice(
        named("clearBatch").and(takesArguments(0)).and(isPublic()),
        getClass().getName() + "$ClearBatchAdvice");
    transformer.applyAdvice(
        namedOneOf(BATCH_METHODS).and(takesArguments(0)).and(isPublic()),
        getClass().getName() + "$ExecuteBatchAdvice");
  }

  /** {@code execute*(String sql, ...)}: timed at the outermost statement level. */
  @SuppressWarnings("unused")
  public static final class ExecuteSqlAdvice {
    private ExecuteSqlAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_STATEMENT]++ == 0 ? System.nanoTime() : 0L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.This Object statement,
        @Advice.Argument(0) String sql,
        @Advice.Enter long start,
        @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_STATEMENT] == 0 && start != 0L) {
        JdbcHooks.statementExecuted(statement, sql, System.nanoTime() - start, thrown != null);
      }
    }
  }

  /** {@code addBatch(String sql)}: remembers the statement of the pending batch. */
  @SuppressWarnings("unused")
  public static final class AddBatchAdvice {
    private AddBatchAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_STATEMENT]++ == 0;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.This Object statement,
        @Advice.Argument(0) String sql,
        @Advice.Enter boolean outermost,
        @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_STATEMENT] == 0 && outermost && thrown == null) {
        JdbcHooks.batchAdded(statement, sql);
      }
    }
  }

  /** {@code clearBatch()}: forgets the pending batch. */
  @SuppressWarnings("unused")
  public static final class ClearBatchAdvice {
    private ClearBatchAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_STATEMENT]++ == 0;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.This Object statement,
        @Advice.Enter boolean outermost,
        @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_STATEMENT] == 0 && outermost && thrown == null) {
        JdbcHooks.batchCleared(statement);
      }
    }
  }

  /** {@code executeBatch()} / {@code executeLargeBatch()}: timed; batch size from the result. */
  @SuppressWarnings("unused")
  public static final class ExecuteBatchAdvice {
    private ExecuteBatchAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_STATEMENT]++ == 0 ? System.nanoTime() : 0L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.This Object statement,
        @Advice.Return Object result,
        @Advice.Enter long start,
        @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_STATEMENT] == 0 && start != 0L) {
        JdbcHooks.batchExecuted(statement, result, System.nanoTime() - start, thrown != null);
      }
    }
  }
}
