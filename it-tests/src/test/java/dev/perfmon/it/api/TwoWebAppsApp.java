package dev.perfmon.it.api;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * The monitored application of {@link ApiWebAppsIT}: one embedded Tomcat 9 with two web
 * applications, {@code /a} and {@code /b}, each with its own copy of the perfmon-api jar
 * ({@code args[0]}) in {@code WEB-INF/lib} and {@link dev.perfmon.it.api.webapp.ApiServlet} in
 * {@code WEB-INF/classes}. This class's own class path has no perfmon-api.
 *
 * <p>Requests {@code /a/work} three times and {@code /b/work} twice, alternately, and prints each
 * answer as {@code ANSWER <app> <servlet's answer>}; then undeploys {@code /a} and prints {@code
 * COLLECTED a <true|false>} (whether its web-app class loader was collected after {@code
 * System.gc()}), then {@code DONE}.
 */
public final class TwoWebAppsApp {
  private static final String SERVLET = "dev.perfmon.it.api.webapp.ApiServlet";

  private TwoWebAppsApp() {}

  public static void main(String[] args) throws Exception {
    Path apiJar = Path.of(args[0]);
    Path base = Files.createTempDirectory(Path.of("").toAbsolutePath(), "tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    tomcat.getHost();
    tomcat.getConnector();
    tomcat.start();
    int port = tomcat.getConnector().getLocalPort();
    Context a = deploy(tomcat, base, apiJar, "a");
    Context b = deploy(tomcat, base, apiJar, "b");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String[] order = {"a", "b", "a", "b", "a"};
    for (String app : order) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + app + "/work"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      System.out.println("ANSWER " + app + " " + r.statusCode() + " " + r.body());
    }
    boolean visible;
    try {
      Class.forName("dev.perfmon.api.PerfMon", false, TwoWebAppsApp.class.getClassLoader());
      visible = true;
    } catch (ClassNotFoundException expected) {
      visible = false;
    }
    System.out.println("API ON SERVER CLASS PATH " + visible);

    WeakReference<ClassLoader> loaderA = new WeakReference<>(a.getLoader().getClassLoader());
    tomcat.getHost().removeChild(a);
    a = null;
    boolean collected = false;
    for (int i = 0; i < 20 && !collected; i++) {
      System.gc();
      Thread.sleep(100);
      collected = loaderA.get() == null;
    }
    System.out.println("COLLECTED a " + collected);
    System.out.println("DONE " + b.getPath());
    System.out.flush();
    tomcat.stop();
    tomcat.destroy();
    System.exit(0);
  }

  private static Context deploy(Tomcat tomcat, Path base, Path apiJar, String name) throws Exception {
    Path docBase = base.resolve(name);
    Files.createDirectories(docBase.resolve("WEB-INF/lib"));
    Files.copy(apiJar, docBase.resolve("WEB-INF/lib/perfmon-api.jar"));
    String file = SERVLET.replace('.', '/') + ".class";
    Path target = docBase.resolve("WEB-INF/classes").resolve(file);
    Files.createDirectories(target.getParent());
    try (InputStream in = TwoWebAppsApp.class.getClassLoader().getResourceAsStream(file)) {
      Files.copy(in, target);
    }
    Context ctx = tomcat.addContext("/" + name, docBase.toString());
    Tomcat.addServlet(ctx, "api", SERVLET);
    ctx.addServletMappingDecoded("/work", "api");
    return ctx;
  }
}
