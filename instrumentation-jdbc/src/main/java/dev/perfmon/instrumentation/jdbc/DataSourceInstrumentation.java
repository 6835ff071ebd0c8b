package dev.perfmon.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
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
 * Implementations of {@code javax.sql.DataSource}: {@code getConnection()} and {@code
 * getConnection(user, password)}, timed once at the outermost level (a pool's data source that
 * opens a physical connection through a driver data source is one acquisition).
 */
public final class DataSourceInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return JdbcTypes.implementing(JdbcTypes.DATA_SOURCE);
  }

  @Override
  public ClassFileTest classFileTest() {
    return JdbcTypes.implementingClassFile(JdbcTypes.DATA_SOURCE);
  }

  @Override
  public String[] adviceMethodNames() {
    return new String[] {"getConnection"};
  }

  @Override
  public void transform(Transformer transformer) {
    transformer.applyAdvice(
        named("getConnection")
            .and(takesArguments(0).or(takesArguments(String.class, String.class)))
            .and(isPublic()),
        getClass().getName() + "$GetConnectionAdvice");
  }

  /** Connection acquisition; also used for the static {@code DriverManager.getConnection}. */
  @SuppressWarnings("unused")
  public static final class GetConnectionAdvice {
    private GetConnectionAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth) {
      depth = CallDepth.slots();
      return depth[CallDepth.JDBC_CONNECTION]++ == 0 ? System.nanoTime() : 0L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      if (depth != null && --depth[CallDepth.JDBC_CONNECTION] == 0 && start != 0L) {
        JdbcHooks.connectionAcquired(System.nanoTime() - start, thrown != null);
      }
    }
  }
}
