package dev.perfmon.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
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
 * Implementations of {@code java.sql.PreparedStatement} (and {@code CallableStatement}): the
 * no-argument {@code execute*} methods, named after the SQL given to {@code prepareStatement} /
 * {@code prepareCall}.
 */
public final class PreparedStatementInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return JdbcTypes.implementing(JdbcTypes.PREPARED_STATEMENT);
  }

  @Override
  public ClassFileTest classFileTest() {
    return JdbcTypes.implementingClassFile(JdbcTypes.PREPARED_STATEMENT);
  }

  private static final String[] EXECUTE_METHODS = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate"};

  @Override
  public String[] adviceMethodNames() {
    return EXECUTE_METHODS.clone();
  }

  @Override
  public void transform(Transformer transformer) {
    transformer.applyAdvice(
        namedOneOf(EXECUTE_METHODS)
            .and(takesArguments(0))
            .and(isPublic()),
        getClass().getName() + "$ExecuteAdvice");
  }

  /** No-argument {@code execute*()}: timed at the outermost statement level. */
  @SuppressWarnings("unused")
  public static final class ExecuteAdvice {
    private ExecuteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_STATEMENT]++ == 0 ? System.nanoTime() : 0L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.This Object statement, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_STATEMENT] == 0 && start != 0L) {
        JdbcHooks.preparedExecuted(statement, System.nanoTime() - start, thrown != null);
      }
    }
  }
}
