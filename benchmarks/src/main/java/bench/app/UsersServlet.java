package bench.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A trivial servlet: {@code GET /users/<id>} answers a fixed 12-byte body with an explicit
 * Content-Length (no chunking), so that the request's cost is the container's and the agent's.
 * Outside {@code dev.perfmon.*}, which the agent never instruments; the woven method is
 * {@code jakarta.servlet.http.HttpServlet#service(ServletRequest, ServletResponse)}, which this
 * class inherits.
 */
public final class UsersServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final byte[] BODY = "user 1 here\n".getBytes(StandardCharsets.US_ASCII);

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/plain");
    resp.setContentLength(BODY.length);
    resp.getOutputStream().write(BODY);
  }
}
