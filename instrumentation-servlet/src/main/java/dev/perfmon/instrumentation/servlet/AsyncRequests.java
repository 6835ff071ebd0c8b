package dev.perfmon.instrumentation.servlet;

import dev.perfmon.bootstrap.AgentErrors;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends the sample of an asynchronous request when its async context completes, times out or fails,
 * rather than when {@code service} returns.
 *
 * <h2>Why a {@link Proxy}</h2>
 *
 * <p>The container calls an {@code AsyncListener} of its own Servlet API (javax or jakarta), loaded
 * by its own class loader, which the agent's class loader cannot see. Instead of injecting a
 * listener class into the application's class loader (which needs {@code Unsafe} or a private
 * {@code Lookup} and differs between JDKs), the agent asks the JDK for a proxy class implementing
 * the very {@code AsyncListener} interface the advice passed in ({@code AsyncListener.class} as
 * resolved by the instrumented class). {@link Proxy} defines that class in the interface's own class
 * loader (in a dynamic module on JDK 16+) with public, supported API on every JDK. The proxy
 * forwards to an {@link InvocationHandler} of the agent, which needs no Servlet type at all. Calls
 * back into the request and response go through {@link Method}s of the Servlet API's public
 * interfaces, looked up once per Servlet API class loader ({@link ClassValue}).
 *
 * <p>Only requests that actually went asynchronous pay for this (one proxy instance, a few
 * reflective calls); synchronous requests never get here.
 */
final class AsyncRequests {
  static final String ROUTE_ATTRIBUTE = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

  private static final ClassValue<Api> APIS =
      new ClassValue<Api>() {
        @Override
        protected Api computeValue(Class<?> listenerType) {
          try {
            return new Api(listenerType);
          } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            AgentErrors.adviceError(AgentErrors.SERVLET, e);
            return null;
          }
        }
      };

  private AsyncRequests() {}

  /**
   * Registers a listener on the request's async context.
   *
   * @return false when that was not possible; the caller then records the request at once
   */
  static boolean register(
      ServletRequestHandler handler,
      Class<?> listenerType,
      Object request,
      Object response,
      String method,
      String uri,
      String contextPath,
      long startNanos) {
    Api api = APIS.get(listenerType);
    if (api == null) {
      return false;
    }
    Listener listener =
        new Listener(handler, api, request, response, method, uri, contextPath, startNanos);
    try {
      Object proxy =
          Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, listener);
      listener.proxy = proxy;
      Object asyncContext = api.getAsyncContext.invoke(request);
      api.addListener.invoke(asyncContext, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // e.g. IllegalStateException: the async cycle already ended; record synchronously instead
      return false;
    }
  }

  /** Reflective handles on one Servlet API (javax or jakarta), found from its AsyncListener. */
  static final class Api {
    final Method getAsyncContext;
    final Method addListener;
    final Method eventAsyncContext;
    final Method getStatus;
    final Method getAttribute;

    Api(Class<?> listenerType) throws ReflectiveOperationException {
      String pkg = listenerType.getPackageName() + ".";
      ClassLoader loader = listenerType.getClassLoader();
      Class<?> request = Class.forName(pkg + "ServletRequest", false, loader);
      Class<?> asyncContext = Class.forName(pkg + "AsyncContext", false, loader);
      Class<?> asyncEvent = Class.forName(pkg + "AsyncEvent", false, loader);
      Class<?> response = Class.forName(pkg + "http.HttpServletResponse", false, loader);
      getAsyncContext = request.getMethod("getAsyncContext");
      addListener = asyncContext.getMethod("addListener", listenerType);
      eventAsyncContext = asyncEvent.getMethod("getAsyncContext");
      getStatus = response.getMethod("getStatus");
      getAttribute = request.getMethod("getAttribute", String.class);
    }
  }

  /** The state of one asynchronous request and the handler behind its listener proxy. */
  static final class Listener implements InvocationHandler {
    private final ServletRequestHandler handler;
    private final Api api;
    private final Object request;
    private final Object response;
    private final String method;
    private final String uri;
    private final String contextPath;
    private final long startNanos;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile Object proxy;

    Listener(
        ServletRequestHandler handler,
        Api api,
        Object request,
        Object response,
        String method,
        String uri,
        String contextPath,
        long startNanos) {
      this.handler = handler;
      this.api = api;
      this.request = request;
      this.response = response;
      this.method = method;
      this.uri = uri;
      this.contextPath = contextPath;
      this.startNanos = startNanos;
    }

    @Override
    public Object invoke(Object self, Method m, Object[] args) {
      try {
        return switch (m.getName()) {
          case "onComplete" -> {
            finish(false);
            yield null;
          }
          case "onTimeout", "onError" -> {
            finish(true);
            yield null;
          }
          case "onStartAsync" -> {
            // A new async cycle (startAsync during an async dispatch): listeners are dropped and
            // must re-register to hear about its end.
            if (args != null && args.length == 1 && args[0] != null) {
              api.addListener.invoke(api.eventAsyncContext.invoke(args[0]), self);
            }
            yield null;
          }
          case "equals" -> args != null && args.length == 1 && args[0] == self;
          case "hashCode" -> System.identityHashCode(self);
          case "toString" -> "perfmon-async-listener";
          default -> null;
        };
      } catch (Throwable t) {
        AgentErrors.adviceError(AgentErrors.SERVLET, t);
        return defaultValue(m);
      }
    }

    private void finish(boolean failed) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      long nanos = System.nanoTime() - startNanos;
      int status = failed ? 500 : 200;
      Object route = null;
      try {
        status = (Integer) api.getStatus.invoke(response);
        route = api.getAttribute.invoke(request, ROUTE_ATTRIBUTE);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // the request may already be recycled by the container: keep what we have
      }
      handler.onExit(method, uri, contextPath, route, status, nanos, failed);
    }

    private static Object defaultValue(Method m) {
      Class<?> r = m.getReturnType();
      if (r == boolean.class) {
        return false;
      }
      if (r == int.class) {
        return 0;
      }
      return null;
    }
  }
}
