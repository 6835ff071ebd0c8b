package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.instrumentation.api.TypeInstrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

/**
 * Each JDBC type instrumentation's {@code adviceMethodNames} lists every name its advice's method
 * matchers can match (a class declaring none of them is left alone before its super types are
 * read), and no name that none of them matches.
 */
class AdviceMethodNamesTest {
  /** The JDBC interfaces and a real driver's and pool's implementations, all their methods. */
  private static final Class<?>[] TYPES = {
    java.sql.Statement.class,
    java.sql.PreparedStatement.class,
    java.sql.CallableStatement.class,
    java.sql.Connection.class,
    javax.sql.DataSource.class,
    org.h2.jdbc.JdbcStatement.class,
    org.h2.jdbc.JdbcPreparedStatement.class,
    org.h2.jdbc.JdbcCallableStatement.class,
    org.h2.jdbc.JdbcConnection.class,
    org.h2.jdbcx.JdbcDataSource.class,
    com.zaxxer.hikari.HikariDataSource.class,
    com.zaxxer.hikari.pool.HikariProxyConnection.class,
    com.zaxxer.hikari.pool.HikariProxyPreparedStatement.class,
  };

  @Test
  void everyMatchedMethodNameIsListedAndEveryListedNameIsMatched() {
    int checked = 0;
    for (TypeInstrumentation ti : new JdbcInstrumentationModule().typeInstrumentations()) {
      String[] names = ti.adviceMethodNames();
      if (names == null) {
        continue;
      }
      List<ElementMatcher<? super MethodDescription>> matchers = new ArrayList<>();
      ti.transform((methods, advice) -> matchers.add(methods));
      Set<String> listed = Set.of(names);
      Set<String> matched = new HashSet<>();
      for (Class<?> type : TYPES) {
        for (Method m : type.getMethods()) {
          MethodDescription d = new MethodDescription.ForLoadedMethod(m);
          for (ElementMatcher<? super MethodDescription> matcher : matchers) {
            if (matcher.matches(d)) {
              assertThat(listed).as(ti.getClass().getSimpleName() + " matches " + m).contains(m.getName());
              matched.add(m.getName());
            }
          }
        }
      }
      assertThat(matched).as(ti.getClass().getSimpleName() + ": names no matcher matches").containsExactlyInAnyOrder(names);
      checked++;
    }
    assertThat(checked).isEqualTo(4); // Statement, PreparedStatement, Connection, DataSource
  }
}
