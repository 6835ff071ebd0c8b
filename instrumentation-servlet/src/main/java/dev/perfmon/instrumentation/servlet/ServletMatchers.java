package dev.perfmon.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.LoaderFacts;
import dev.perfmon.instrumentation.api.SuperTypeMask;
import java.util.Map;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Matchers shared by the javax and jakarta instrumentations; library types by name only. */
final class ServletMatchers {
  private ServletMatchers() {}

  private static final int JAVAX_SERVLET = 1;
  private static final int JAVAX_FILTER = 2;
  private static final int JAKARTA_SERVLET = 4;
  private static final int JAKARTA_FILTER = 8;

  /**
   * One hierarchy walk per loaded class for both APIs, shared with the JDBC instrumentation's: the
   * javax and the jakarta matcher ask the same mask. The JDK's packages are neither matched nor
   * walked into (none of their types implements a Servlet API interface).
   */
  private static final SuperTypeMask SERVLET_TYPES =
      SuperTypeMask.shared(
          Map.of(
              "javax.servlet.Servlet", JAVAX_SERVLET,
              "javax.servlet.Filter", JAVAX_FILTER,
              "jakarta.servlet.Servlet", JAKARTA_SERVLET,
              "jakarta.servlet.Filter", JAKARTA_FILTER),
          new String[] {"java.", "jdk."},
          new String[] {"java.", "jdk.", "sun.", "com.sun."});

  /**
   * Concrete types that implement {@code <pkg>Servlet} or {@code <pkg>Filter}. The module's class
   * loader matcher already skipped loaders that cannot see the Servlet API.
   */
  static ElementMatcher.Junction<TypeDescription> servletOrFilterType(String pkg) {
    return SERVLET_TYPES.implementingAny(bits(pkg));
  }

  /** {@link #servletOrFilterType}'s test on the class file, before Byte Buddy describes a class. */
  static ClassFileTest servletOrFilterClassFile(String pkg) {
    return SERVLET_TYPES.classFileTest(bits(pkg), false);
  }

  private static int bits(String pkg) {
    return pkg.startsWith("javax.") ? JAVAX_SERVLET | JAVAX_FILTER : JAKARTA_SERVLET | JAKARTA_FILTER;
  }

  /** The names {@link #serviceOrDoFilter} matches. */
  static String[] serviceOrDoFilterNames() {
    return new String[] {"service", "doFilter"};
  }

  /**
   * {@code public service(ServletRequest, ServletResponse)} and {@code public doFilter(ServletRequest,
   * ServletResponse, FilterChain)} of package {@code pkg}, matched by argument type names.
   */
  static ElementMatcher.Junction<MethodDescription> serviceOrDoFilter(String pkg) {
    ElementMatcher.Junction<MethodDescription> service =
        named("service")
            .and(takesArguments(2))
            .and(takesArgument(0, named(pkg + "ServletRequest")))
            .and(takesArgument(1, named(pkg + "ServletResponse")));
    ElementMatcher.Junction<MethodDescription> doFilter =
        named("doFilter")
            .and(takesArguments(3))
            .and(takesArgument(0, named(pkg + "ServletRequest")))
            .and(takesArgument(1, named(pkg + "ServletResponse")))
            .and(takesArgument(2, named(pkg + "FilterChain")));
    return isPublic().and(service.or(doFilter));
  }

  /**
   * Class loaders that can see {@code javax.servlet.Servlet} or {@code jakarta.servlet.Servlet}
   * (resource look-up, no class loading; cached weakly per loader), so that the hierarchy matcher
   * never runs for types of loaders without the Servlet API. One instance for both APIs' type
   * instrumentations: a look-up that misses searches the whole class path (every nested jar of a
   * Spring Boot application), so each loader is asked once, jakarta first.
   */
  static ElementMatcher<ClassLoader> seesServletApi() {
    return SEES_SERVLET_API;
  }

  private static final SeesServletApi SEES_SERVLET_API = new SeesServletApi();

  private static final class SeesServletApi implements ElementMatcher<ClassLoader> {
    // The JDK's bootstrap loader (null) never holds a Servlet API; a loader that cannot tell lets
    // the type matcher decide.
    private final LoaderFacts<ClassLoader> sees =
        new LoaderFacts<>(
            new java.util.function.Predicate<ClassLoader>() { // not a lambda: see the package-info of dev.perfmon.instrumentation.api
              @Override
              public boolean test(ClassLoader l) {
                return l.getResource("jakarta/servlet/Servlet.class") != null || l.getResource("javax/servlet/Servlet.class") != null;
              }
            },
            true);

    @Override
    public boolean matches(ClassLoader loader) {
      return loader != null && sees.test(loader);
    }

    @Override
    public String toString() {
      return "seesServletApi()";
    }
  }
}
