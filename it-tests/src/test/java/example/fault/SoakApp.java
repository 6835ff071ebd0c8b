package example.fault;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak workload: embedded Tomcat (the it-apps servlet-tomcat9 application, started by
 * reflection) serving HTTP requests from four client threads, four threads running H2 queries,
 * and a woven method, for the number of seconds given as the first argument. Request paths and
 * SQL texts cycle through 5,000 distinct names each, far more than {@code max-operations}. When a
 * second argument names the agent's output file, the file is rotated the way logrotate's
 * {@code create} mode does (renamed, numbered) every few seconds.
 *
 * <p>Prints, at the end, exactly how many calls of each kind it made ({@code COUNTS ...}) and the
 * heap used after a full GC and the live thread count at each quarter of the run ({@code HEAP} and
 * {@code THREADS} lines), for the test to compare with the agent's figures.
 */
public final class SoakApp {
  static final int NAMES = 5_000;
  static final int CLIENTS = 4;
  static final int DB_THREADS = 4;

  private SoakApp() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    Path output = args.length > 1 ? Path.of(args[1]) : null;
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String[] tomcatArgs = {Integer.toString(port)};
    Thread tomcat =
        new Thread(
            () -> {
              try {
                Class.forName("example.tomcat.Main").getMethod("main", String[].class).invoke(null, (Object) tomcatArgs);
              } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
              }
            },
            "tomcat-main");
    tomcat.setDaemon(true);
    tomcat.start();
    awaitPort(port);

    AtomicLong http = new AtomicLong();
    AtomicLong sql = new AtomicLong();
    AtomicLong methods = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int offset = c;
      workers.add(
          new Thread(
              () -> {
                int i = offset;
                while (System.nanoTime() < end) {
                  get(port, "/users/soak-" + (i % NAMES));
                  http.incrementAndGet();
                  i += CLIENTS;
                }
              },
              "soak-http-" + c));
    }
    for (int d = 0; d < DB_THREADS; d++) {
      int offset = d;
      workers.add(
          new Thread(
              () -> {
                try (Connection conn = DriverManager.getConnection("jdbc:h2:mem:soak" + offset, "sa", "")) {
                  int i = offset;
                  Work w = new Work();
                  while (System.nanoTime() < end) {
                    try (Statement s = conn.createStatement();
                        ResultSet rs = s.executeQuery("SELECT " + (i % 7) + " AS name" + (i % NAMES))) {
                      rs.next();
                    }
                    sql.incrementAndGet();
                    w.step(i);
                    methods.incrementAndGet();
                    i += DB_THREADS;
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "soak-db-" + d));
    }
    for (Thread t : workers) {
      t.start();
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<String> heap = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    int rotations = 0;
    long quarter = Math.max(1, seconds * 1000 / 4);
    long nextRotation = System.currentTimeMillis() + 3_000;
    long nextSample = System.currentTimeMillis() + quarter;
    while (System.nanoTime() < end) {
      Thread.sleep(100);
      long now = System.currentTimeMillis();
      if (output != null && now >= nextRotation && Files.exists(output)) {
        rotations++;
        Files.move(output, output.resolveSibling(output.getFileName() + "." + rotations), StandardCopyOption.ATOMIC_MOVE);
        nextRotation = now + 3_000;
      }
      if (now >= nextSample) {
        System.gc();
        heap.add(Long.toString(memory.getHeapMemoryUsage().getUsed()));
        threads.add(Integer.toString(Thread.activeCount()));
        nextSample = now + quarter;
      }
    }
    for (Thread t : workers) {
      t.join();
    }
    System.out.println("HEAP " + String.join(" ", heap));
    System.out.println("THREADS " + String.join(" ", threads));
    System.out.println("ROTATIONS " + rotations);
    System.out.println("COUNTS http=" + http.get() + " sql=" + sql.get() + " methods=" + methods.get() + " connections=" + DB_THREADS);
    System.out.flush();
    System.exit(0);
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("Tomcat did not start on port " + port);
  }

  private static void get(int port, String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      c.setConnectTimeout(5_000);
      c.setReadTimeout(10_000);
      int code = c.getResponseCode();
      try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Woven by the soak test's methods pattern. */
  public static final class Work {
    public int step(int i) {
      return i * 31;
    }
  }
}
