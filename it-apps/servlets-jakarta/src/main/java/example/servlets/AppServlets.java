package example.servlets;

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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The servlets and filter every container app mounts, the same for each container:
 *
 * <pre>
 * /*            PassingFilter (async supported)
 * /users/*      UsersServlet: GET 200, POST 201
 * /boom         ThrowingServlet: throws
 * /unavailable  UnavailableServlet: sendError(503)
 * /fwd          ForwardingServlet: forwards to /target
 * /target       TargetServlet
 * /async        AsyncServlet: startAsync, completed 150 ms later by another thread
 * </pre>
 *
 * Nothing else is mapped, so every other path is answered 404 by the container.
 */
public final class AppServlets {
  private static final ScheduledExecutorService LATER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "app-async-completer");
            t.setDaemon(true);
            return t;
          });

  private AppServlets() {}

  /** Prints the line the integration tests wait for. */
  public static void ready(int port) {
    System.out.println("READY port=" + port);
    System.out.flush();
  }

  public static class UsersServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.getWriter().write("user " + req.getPathInfo());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
      resp.setStatus(201);
    }
  }

  public static class ThrowingServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
      throw new ServletException("deliberate failure");
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

  public static class AsyncServlet extends HttpServlet {
    // The Future is ignored: the task catches the write failure itself and always completes.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext ctx = req.startAsync();
      LATER.schedule(
          () -> {
            try {
              ctx.getResponse().getWriter().write("late");
            } catch (IOException e) {
              // the client went away; complete anyway
            }
            ctx.complete();
          },
          150,
          TimeUnit.MILLISECONDS);
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
