package dev.perfmon.bootstrap.servlet;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Faults;

/**
 * The bridge between the woven servlet/filter advice (which runs inside the container's classes and
 * can see only JDK and bootstrap types besides the Servlet API) and the servlet module's agent-side
 * logic (naming, caching, async listeners), which the module installs with {@link #setHandler}.
 *
 * <p>The default handler does nothing, so woven code that runs before the agent has started, or
 * after it stopped, records nothing. The advice extracts plain strings from the request in-line and
 * calls {@link #exit} once per request, at the outermost servlet or filter exit.
 *
 * <p>Thread-safe; every method is static and never throws.
 */
public final class ServletHooks {

  /** The agent-side receiver of finished requests. Must not throw and must not block. */
  public interface Handler {
    /**
     * A request finished synchronously.
     *
     * @param method HTTP method
     * @param uri request URI as sent (no query string; context path included)
     * @param contextPath the context path ("" for the root context)
     * @param route the framework route attribute (e.g. Spring's best-matching pattern) or null
     * @param status final response status
     * @param nanos duration
     * @param thrown true when the request ended with a throwable
     */
    void onExit(
        String method,
        String uri,
        String contextPath,
        Object route,
        int status,
        long nanos,
        boolean thrown);

    /**
     * The request went asynchronous ({@code request.isAsyncStarted()} at the outermost exit).
     * The handler registers a listener on the request's async context that records the request
     * when the async context completes, times out or fails.
     *
     * @param listenerType the Servlet API's {@code AsyncListener} interface as seen by the request
     * @return true when a listener was registered (the advice then records nothing); false when
     *     the advice should record the request now
     */
    boolean onAsync(
        Class<?> listenerType,
        Object request,
        Object response,
        String method,
        String uri,
        String contextPath,
        long startNanos);
  }

  private static final Handler NONE =
      new Handler() {
        @Override
        public void onExit(
            String method,
            String uri,
            String contextPath,
            Object route,
            int status,
            long nanos,
            boolean thrown) {}

        @Override
        public boolean onAsync(
            Class<?> listenerType,
            Object request,
            Object response,
            String method,
            String uri,
            String contextPath,
            long startNanos) {
          return false;
        }
      };

  private static volatile Handler handler = NONE;

  private ServletHooks() {}

  /** Installs the agent-side handler; null restores the no-op default. */
  public static void setHandler(Handler h) {
    handler = h == null ? NONE : h;
  }

  /** True when an agent-side handler is installed (for tests and diagnostics). */
  public static boolean active() {
    return handler != NONE;
  }

  /** Called by the advice at the outermost exit of a synchronous request. */
  public static void exit(
      String method,
      String uri,
      String contextPath,
      Object route,
      int status,
      long nanos,
      boolean thrown) {
    try {
      if (Faults.MASK != 0) {
        Faults.check(Faults.ADVICE); // tests only: a constant 0 otherwise
      }
      handler.onExit(method, uri, contextPath, route, status, nanos, thrown);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.SERVLET, t);
    }
  }

  /** Called by the advice at the outermost exit when the request went asynchronous. */
  public static boolean async(
      Class<?> listenerType,
      Object request,
      Object response,
      String method,
      String uri,
      String contextPath,
      long startNanos) {
    try {
      return handler.onAsync(listenerType, request, response, method, uri, contextPath, startNanos);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.SERVLET, t);
      return false;
    }
  }
}
