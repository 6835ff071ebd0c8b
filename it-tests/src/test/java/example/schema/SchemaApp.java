package example.schema;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Produces every kind of output line: servlet requests (embedded Tomcat 9, one failing), JDBC
 * statements (H2), timed methods (fast, slow, very slow, sampled), calls over a latency budget, and
 * a heap that crosses the memory warning limits. Prints DONE when finished.
 */
public final class SchemaApp {
  private SchemaApp() {}

  /** The servlet: /orders/{id} runs a query; /orders/fail throws. */
  public static final class OrdersServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (req.getRequestURI().endsWith("/fail")) {
        throw new IllegalStateException("failing on purpose");
      }
      try (Connection c = DriverManager.getConnection("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
          PreparedStatement ps = c.prepareStatement("SELECT name FROM orders WHERE id = ?")) {
        ps.setInt(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          resp.getWriter().write(rs.next() ? rs.getString(1) : "none");
        }
      } catch (java.sql.SQLException e) {
        throw new IOException(e);
      }
    }
  }

  /** The timed methods. */
  public static final class Work {
    long sum;

    public void fast(int i) {
      sum += i;
    }

    public void slow(long ms) throws InterruptedException {
      Thread.sleep(ms);
    }

    public void sampled(int i) {
      sum += i * 31L;
    }
  }

  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(50))");
      s.execute("INSERT INTO orders VALUES (1, 'first')");
    }
    Path base = Files.createTempDirectory(Path.of("").toAbsolutePath(), "tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    tomcat.getHost();
    tomcat.getConnector();
    Context ctx = tomcat.addContext("", base.toString());
    Tomcat.addServlet(ctx, "orders", new OrdersServlet());
    ctx.addServletMappingDecoded("/orders/*", "orders");
    tomcat.start();
    int port = tomcat.getConnector().getLocalPort();
    for (int i = 0; i < 20; i++) {
      get(port, "/orders/" + i);
    }
    get(port, "/orders/fail");

    Work w = new Work();
    for (int i = 0; i < 1000; i++) {
      w.fast(i);
      w.sampled(i);
    }
    w.slow(60);
    w.slow(160);
    for (int i = 0; i < 5; i++) {
      w.slow(5);
    }
    List<byte[]> keep = new ArrayList<>();
    for (int i = 0; i < 110; i++) {
      keep.add(new byte[1024 * 1024]);
    }
    Thread.sleep(600);
    keep.clear();
    Thread.sleep(700);
    tomcat.stop();
    tomcat.destroy();
    System.out.println("DONE " + w.sum + " " + keep.size());
  }

  private static void get(int port, String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
    int code = c.getResponseCode();
    try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
      if (in != null) {
        in.readAllBytes();
      }
    }
    c.disconnect();
  }
}
