package dev.perfmon.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.ClassHeader;
import dev.perfmon.instrumentation.api.Transformer;
import dev.perfmon.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** {@code java.sql.DriverManager.getConnection(..)} (all public overloads). */
public final class DriverManagerInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.sql.DriverManager");
  }

  @Override
  public ClassFileTest classFileTest() {
    return new ClassFileTest() { // not a lambda: see the package-info of dev.perfmon.instrumentation.api
      @Override
      public boolean mayMatch(ClassHeader header, ClassLoader loader) {
        return header.isNamed("java.sql.DriverManager"); // asked of every class: nothing decoded
      }
    };
  }

  @Override
  public void transform(Transformer transformer) {
    transformer.applyAdvice(
        named("getConnection").and(isPublic()).and(isStatic()),
        DataSourceInstrumentation.class.getName() + "$GetConnectionAdvice");
  }
}
