package dev.perfmon.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Matchers shared by the javax and jakarta instrumentations; library types by name only. */
final class ServletMatchers {
  private ServletMatchers() {}

  /**
   * Concrete types that implement {@code <pkg>Servlet} or {@code <pkg>Filter}. The name-only
   * pre-filter drops interfaces and the JDK's and the agent's packages before the hierarchy walk;
   * the module's class loader matcher already skipped loaders that cannot see the Servlet API.
   */
  static ElementMatcher.Junction<TypeDescription> servletOrFilterType(String pkg) {
    return not(isInterface())
        .and(not(nameStartsWith("java.")))
        .and(not(nameStartsWith("jdk.")))
        .and(not(nameStartsWith("sun.")))
        .and(not(nameStartsWith("com.sun.")))
        .and(hasSuperType(namedOneOf(pkg + "Servlet", pkg + "Filter")));
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
   * never runs for types of loaders without the Servlet API.
   */
  static ElementMatcher<ClassLoader> seesServletApi() {
    return new SeesServletApi();
  }

  private static final class SeesServletApi implements ElementMatcher<ClassLoader> {
    private final Map<ClassLoader, Boolean> cache = new WeakHashMap<>();

    @Override
    public boolean matches(ClassLoader loader) {
      if (loader == null) {
        return false; // the JDK's bootstrap loader never holds a Servlet API
      }
      synchronized (cache) {
        Boolean known = cache.get(loader);
        if (known != null) {
          return known;
        }
      }
      boolean sees;
      try {
        sees =
            loader.getResource("javax/servlet/Servlet.class") != null
                || loader.getResource("jakarta/servlet/Servlet.class") != null;
      } catch (RuntimeException | LinkageError e) {
        sees = true; // cannot tell: let the type matcher decide
      }
      synchronized (cache) {
        cache.put(loader, sees);
      }
      return sees;
    }

    @Override
    public String toString() {
      return "seesServletApi()";
    }
  }
}
