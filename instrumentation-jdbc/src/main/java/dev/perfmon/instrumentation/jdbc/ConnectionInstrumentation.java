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
 * Implementations of {@code java.sql.Connection}: {@code prepareStatement}/{@code prepareCall}
 * (to learn the SQL of the returned statement), {@code commit()} and {@code rollback(..)}.
 *
 * <p>Only explicit commits and rollbacks are timed: {@code setAutoCommit(..)} and {@code close()}
 * hold the transaction depth while they run, so a commit or rollback that a driver or pool issues
 * from inside them (H2 commits in {@code setAutoCommit(true)}, HikariCP rolls back dirty
 * connections in {@code close()}) is not counted. This keeps the counts the same on every driver.
 */
public final class ConnectionInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return JdbcTypes.implementing(JdbcTypes.CONNECTION);
  }

  @Override
  public ClassFileTest classFileTest() {
    return JdbcTypes.implementingClassFile(JdbcTypes.CONNECTION);
  }

  @Override
  public String[] adviceMethodNames() {
    return new String[] {"prepareStatement", "prepareCall", "commit", "rollback", "setAutoCommit", "close"};
  }

  @Override
  public void transform(Transformer transformer) {
    transformer.applyAdvice(
        namedOneOf("prepareStatement", "prepareCall")
            .and(takesArgument(0, String.class))
            .and(isPublic()),
        getClass().getName() + "$PrepareAdvice");
    transformer.applyAdvice(
        named("commit").and(takesArguments(0)).and(isPublic()),
        getClass().getName() + "$CommitAdvice");
    transformer.applyAdvice(
        named("rollback")
            .and(
                takesArguments(0)
                    .or(takesArguments(1).and(takesArgument(0, named("java.sql.Savepoint")))))
            .and(isPublic()),
        getClass().getName() + "$RollbackAdvice");
    transformer.applyAdvice(
        named("setAutoCommit")
            .and(takesArguments(boolean.class))
            .or(named("close").and(takesArguments(0)))
            .and(isPublic()),
        getClass().getName() + "$ImplicitTransactionAdvice");
  }

  /** Maps the returned statement to its SQL; only the outermost (pool proxy) level. */
  @SuppressWarnings("unused")
  public static final class PrepareAdvice {
    private PrepareAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_PREPARE]++ == 0;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.This Object connection,
        @Advice.Argument(0) String sql,
        @Advice.Return Object statement,
        @Advice.Enter boolean outermost,
        @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_PREPARE] == 0 && outermost && thrown == null && statement != null) {
        JdbcHooks.statementPrepared(connection, statement, sql);
      }
    }
  }

  /** {@code commit()}. */
  @SuppressWarnings("unused")
  public static final class CommitAdvice {
    private CommitAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_TRANSACTION]++ == 0 ? System.nanoTime() : 0L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_TRANSACTION] == 0 && start != 0L) {
        JdbcHooks.committed(System.nanoTime() - start, thrown != null);
      }
    }
  }

  /** {@code rollback()} and {@code rollback(Savepoint)}. */
  @SuppressWarnings("unused")
  public static final class RollbackAdvice {
    private RollbackAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_TRANSACTION]++ == 0 ? System.nanoTime() : 0L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_TRANSACTION] == 0 && start != 0L) {
        JdbcHooks.rolledBack(System.nanoTime() - start, thrown != null);
      }
    }
  }

  /** {@code setAutoCommit(..)} and {@code close()}: not timed, they only hide nested commits. */
  @SuppressWarnings("unused")
  public static final class ImplicitTransactionAdvice {
    private ImplicitTransactionAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      depth[CallDepth.JDBC_TRANSACTION]++;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Local("depth") int[] depth) {
      if (depth != null) {
        depth[CallDepth.JDBC_TRANSACTION]--;
      }
    }
  }
}
