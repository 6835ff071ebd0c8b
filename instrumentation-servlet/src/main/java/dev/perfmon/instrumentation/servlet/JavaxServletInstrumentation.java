package dev.perfmon.instrumentation.servlet;

import dev.perfmon.bootstrap.CallDepth;
import dev.perfmon.bootstrap.servlet.ServletHooks;
import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.Transformer;
import dev.perfmon.instrumentation.api.TypeInstrumentation;
import javax.servlet.AsyncListener;
import javax.servlet.DispatcherType;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code javax.servlet} (Servlet 3.0 to 4.0): times {@code Servlet#service(ServletRequest,
 * ServletResponse)} and {@code Filter#doFilter(ServletRequest, ServletResponse, FilterChain)}
 * implementations, once per request at the outermost entry.
 */
public final class JavaxServletInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return ServletMatchers.servletOrFilterType("javax.servlet.");
  }

  @Override
  public ClassFileTest classFileTest() {
    return ServletMatchers.servletOrFilterClassFile("javax.servlet.");
  }

  @Override
  public String[] adviceMethodNames() {
    return ServletMatchers.serviceOrDoFilterNames();
  }

  @Override
  public void transform(Transformer transformer) {
    transformer.applyAdvice(
        ServletMatchers.serviceOrDoFilter("javax.servlet."), getClass().getName() + "$RequestAdvice");
  }

  /** Inlined into every matched service/doFilter method. Keep in step with the jakarta copy. */
  @SuppressWarnings("unused")
  public static class RequestAdvice {
    private RequestAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(
        @Advice.Argument(0) ServletRequest request, @Advice.Local("depth") int[] depth) {
      // The depth array is a local of the woven method: the exit advice decrements it without a
      // method call, so even a thread that runs out of stack in between keeps its depth right.
      depth = CallDepth.slots();
      if (depth[CallDepth.SERVLET]++ != 0) {
        return 0L;
      }
      // Async re-dispatches and error-page dispatches belong to a request already being timed.
      DispatcherType type = request.getDispatcherType();
      if (type == DispatcherType.ASYNC || type == DispatcherType.ERROR) {
        return 0L;
      }
      return System.nanoTime();
    }

    // Advice code is inlined into user classes: kept to plain instanceof and casts.
    @SuppressWarnings("PatternMatchingInstanceof")
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.Enter long start,
        @Advice.Argument(0) ServletRequest request,
        @Advice.Argument(1) ServletResponse response,
        @Advice.Thrown Throwable thrown) {
      if (depth == null || --depth[CallDepth.SERVLET] != 0 || start == 0L) {
        return;
      }
      if (!(request instanceof HttpServletRequest) || !(response instanceof HttpServletResponse)) {
        return;
      }
      HttpServletRequest http = (HttpServletRequest) request;
      if (thrown == null
          && http.isAsyncStarted()
          && ServletHooks.async(
              AsyncListener.class,
              request,
              response,
              http.getMethod(),
              http.getRequestURI(),
              http.getContextPath(),
              start)) {
        return;
      }
      ServletHooks.exit(
          http.getMethod(),
          http.getRequestURI(),
          http.getContextPath(),
          http.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern"),
          ((HttpServletResponse) response).getStatus(),
          System.nanoTime() - start,
          thrown != null);
    }
  }
}
