package bench.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat 11 on 127.0.0.1 serving {@link UsersServlet} at {@code /users/*}: used in-process
 * by {@code ServletBenchmark} and as a stand-alone server by {@code benchmarks/servlet-throughput.sh}.
 *
 * <pre>
 *   java [-javaagent:...] -cp benchmarks/target/benchmarks.jar bench.app.ServletApp [port]
 * </pre>
 *
 * Port 0 (the default) picks a free port; prints {@code READY port=N} once it serves, and runs until
 * killed. Keep-alive connections are never closed by the server (Tomcat's default closes one after
 * 100 requests, which would make a load generator reconnect in the middle of a measurement).
 */
public final class ServletApp implements AutoCloseable {
  /** Strong reference: java.util.logging keeps loggers only weakly, and the level would be lost. */
  private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

  private final Tomcat tomcat;
  private final Path baseDir;
  private final int port;

  private ServletApp(Tomcat tomcat, Path baseDir, int port) {
    this.tomcat = tomcat;
    this.baseDir = baseDir;
    this.port = port;
  }

  /** Starts Tomcat on 127.0.0.1 at {@code port} (0: any free port). */
  public static ServletApp start(int port) throws IOException, LifecycleException {
    // SEVERE: stopping the context warns about leak detection that needs --add-opens, on every stop.
    TOMCAT_LOG.setLevel(Level.SEVERE);
    Path base = Files.createTempDirectory("perfmon-bench-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxKeepAliveRequests", "-1");
    tomcat.setConnector(connector);
    Context ctx = tomcat.addContext("", base.toString());
    Tomcat.addServlet(ctx, "users", new UsersServlet());
    ctx.addServletMappingDecoded("/users/*", "users");
    tomcat.start();
    return new ServletApp(tomcat, base, connector.getLocalPort());
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws LifecycleException, IOException {
    tomcat.stop();
    tomcat.destroy();
    try (Stream<Path> files = Files.walk(baseDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  public static void main(String[] args) throws Exception {
    ServletApp app = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    System.out.println("READY port=" + app.port());
    System.out.flush();
    app.tomcat.getServer().await();
  }
}
