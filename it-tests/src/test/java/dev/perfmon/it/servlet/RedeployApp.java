package dev.perfmon.it.servlet;

import java.io.InputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * The monitored application of {@link RedeployLeakIT}: one embedded Tomcat 9 that deploys a web
 * application, requests it over HTTP and undeploys it, {@code args[0]} times. The web
 * application's classes ({@code dev.perfmon.it.servlet.webapp}) are copied into each deployment's
 * {@code WEB-INF/classes}, and the H2 driver jar into its {@code WEB-INF/lib}; that deployment's own
 * web-app class loader defines them (Tomcat looks in the web application first); this class never
 * loads them. It keeps only {@link WeakReference}s to those loaders.
 *
 * <p>Prints, on stdout: after each cycle (undeployed, then {@code System.gc()})
 * {@code CYCLE <n> metaspace=<bytes used> classes=<loaded classes>}; at the end {@code ALIVE <n> OF
 * <cycles>}, the web-app loaders still reachable after repeated {@code System.gc()}, {@code END
 * metaspace=<bytes used> classes=<loaded classes>} after those collections, then {@code DONE}.
 * Exits with 1 on any failed request. With a second argument {@code wait} it then waits (for a heap
 * dump).
 */
public final class RedeployApp {
  /** The web application's classes, by name (not as class literals: never loaded here). */
  private static final String[] WEBAPP_CLASSES = {
    "dev.perfmon.it.servlet.webapp.LeakServlet", "dev.perfmon.it.servlet.webapp.Work"
  };

  private RedeployApp() {}

  public static void main(String[] args) throws Exception {
    int cycles = Integer.parseInt(args[0]);
    Path base = Files.createTempDirectory(Path.of("").toAbsolutePath(), "tomcat");

    // DriverManager is initialised by the server, as Tomcat's JreMemoryLeakPreventionListener does,
    // not by the first web application that asks for a connection.
    DriverManager.getDrivers();
    Path h2Jar = jarOf("org/h2/Driver.class");

    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    tomcat.getHost();
    tomcat.getConnector();
    tomcat.start();
    int port = tomcat.getConnector().getLocalPort();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    // Completes the web applications' async requests. Its one thread is started here, so that it
    // never inherits a web application's class loader as its context class loader.
    ScheduledThreadPoolExecutor completer = new ScheduledThreadPoolExecutor(1, RedeployApp::daemon);
    completer.prestartAllCoreThreads();

    MemoryPoolMXBean metaspace = metaspacePool();
    ClassLoadingMXBean classLoading = ManagementFactory.getClassLoadingMXBean();
    List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    for (int i = 1; i <= cycles; i++) {
      loaders.add(deployRequestUndeploy(tomcat, client, completer, port, base, h2Jar, i));
      gc(2);
      System.out.println(
          "CYCLE " + i + " metaspace=" + metaspace.getUsage().getUsed()
              + " classes=" + classLoading.getLoadedClassCount());
    }

    int alive = 0;
    for (int round = 0; round < 10; round++) {
      gc(1);
      alive = 0;
      for (WeakReference<ClassLoader> ref : loaders) {
        if (ref.get() != null) {
          alive++;
        }
      }
      if (alive == 0) {
        break;
      }
    }
    System.out.println("ALIVE " + alive + " OF " + cycles);
    System.out.println(
        "END metaspace=" + metaspace.getUsage().getUsed()
            + " classes=" + classLoading.getLoadedClassCount());
    System.out.println("DONE");
    System.out.flush();
    if (args.length > 1 && args[1].equals("wait")) {
      Thread.sleep(Long.MAX_VALUE); // for a heap dump: jcmd <pid> GC.heap_dump
    }
    tomcat.stop();
    tomcat.destroy();
    System.exit(0);
  }

  /** One cycle; returns a weak reference to the deployment's web-app class loader. */
  private static WeakReference<ClassLoader> deployRequestUndeploy(
      Tomcat tomcat,
      HttpClient client,
      ScheduledExecutorService completer,
      int port,
      Path base,
      Path h2Jar,
      int cycle) throws Exception {
    Path docBase = base.resolve("app" + cycle);
    Files.createDirectories(docBase.resolve("WEB-INF/lib"));
    Files.copy(h2Jar, docBase.resolve("WEB-INF/lib").resolve(h2Jar.getFileName()));
    for (String name : WEBAPP_CLASSES) {
      String file = name.replace('.', '/') + ".class";
      Path target = docBase.resolve("WEB-INF/classes").resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in = RedeployApp.class.getClassLoader().getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("missing " + file);
        }
        Files.copy(in, target);
      }
    }
    String path = "/app" + cycle;
    Context ctx = tomcat.addContext(path, docBase.toString()); // started: Tomcat is running
    ctx.getServletContext().setAttribute("redeploy.completer", completer);
    Tomcat.addServlet(ctx, "leak", WEBAPP_CLASSES[0]).setAsyncSupported(true);
    ctx.addServletMappingDecoded("/q", "leak");
    ctx.addServletMappingDecoded("/async", "leak");
    ClassLoader webappLoader = ctx.getLoader().getClassLoader();
    String expected = System.identityHashCode(webappLoader) + ":";

    for (int r = 0; r < 3; r++) {
      check(client, port, path + "/q", expected + "47"); // COUNT(*) 1 + v 40 + Work.sum(3) 6
    }
    check(client, port, path + "/async", expected + "-1");

    tomcat.getHost().removeChild(ctx); // stops and destroys the context
    return new WeakReference<>(webappLoader);
  }

  private static void check(HttpClient client, int port, String path, String expected)
      throws Exception {
    HttpResponse<String> resp =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200 || !resp.body().equals(expected)) {
      System.out.println(
          "FAILED " + path + ": " + resp.statusCode() + " '" + resp.body() + "', expected '"
              + expected + "' (the servlet must come from the web-app class loader)");
      System.exit(1);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "async-completer");
    t.setDaemon(true);
    return t;
  }

  private static void gc(int rounds) throws InterruptedException {
    for (int i = 0; i < rounds; i++) {
      System.gc();
      Thread.sleep(50);
    }
  }

  /** The jar on this JVM's class path that holds {@code resource}. */
  private static Path jarOf(String resource) throws Exception {
    java.net.URL url = ClassLoader.getSystemResource(resource);
    if (url == null || !url.getProtocol().equals("jar")) {
      throw new IllegalStateException("not in a jar on the class path: " + resource + " (" + url + ")");
    }
    String file = url.getPath().substring(0, url.getPath().indexOf("!/"));
    return Path.of(new URI(file));
  }

  private static MemoryPoolMXBean metaspacePool() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        return pool;
      }
    }
    throw new IllegalStateException("no Metaspace memory pool");
  }
}
