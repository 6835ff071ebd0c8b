package example.app;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The servlets and filters of the in-process tests. They live outside {@code dev.perfmon}, which
 * the agent never weaves, so that they are woven like application classes.
 */
public final class TestApp {
  /** Completes async requests later, from another thread. */
  public static final ScheduledExecutorService LATER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "test-app-later");
            t.setDaemon(true);
            // Not the web application's loader of the request that starts it: the thread outlives
            // the application, and Tomcat would report it as a leak when the test stops it.
            t.setContextClassLoader(TestApp.class.getClassLoader());
            return t;
          });

  private TestApp() {}

  public static class UsersServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String path = req.getPathInfo();
      if ("/teapot".equals(path)) {
        resp.setStatus(418);
      } else if ("/redirect".equals(path)) {
        resp.sendRedirect("/users/1");
      } else {
        resp.getWriter().write("user");
      }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
      resp.setStatus(201);
    }
  }

  public static class ThrowingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
      throw new ServletException("boom");
    }
  }

  public static class UnavailableServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.sendError(503);
    }
  }

  public static class ForwardingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp)
        throws IOException, ServletException {
      req.getRequestDispatcher("/target").forward(req, resp);
    }
  }

  public static class TargetServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.getWriter().write("target");
    }
  }

  /** Sets the route attribute the way Spring MVC's handler mapping does. */
  public static class RoutedServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      req.setAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern", "/owners/{ownerId}");
      resp.getWriter().write("owner");
    }
  }

  public static class AsyncServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext ctx = req.startAsync();
      // A failure of the task shows as a request that never completes; nothing to read from it.
      Future<?> unused = TestApp.LATER.schedule(
          () -> {
            try {
              ctx.getResponse().getWriter().write("late");
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
            ctx.complete();
          },
          150,
          TimeUnit.MILLISECONDS);
    }
  }

  public static class AsyncTimeoutServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext ctx = req.startAsync();
      ctx.setTimeout(100);
    }
  }

  public static class PassingFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      chain.doFilter(request, response);
    }
  }
}
