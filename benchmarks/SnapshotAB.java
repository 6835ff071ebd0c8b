import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Compares whole snapshots of two (or more) agent builds in one JVM: each build's {@code
 * SnapshotWorkload} is loaded with its own bootstrap classes in a class loader of its own, and the
 * builds take turns, one snapshot each, so that they see the same load on a shared machine. Prints
 * each build's cold snapshot and the CPU time of its warm snapshots (min, quartiles, median),
 * and checks that all builds write the same operations' figures (the same calls, the same
 * output format).
 *
 *   java benchmarks/SnapshotAB.java OPERATIONS CALLS_PER_INTERVAL WARMUP MEASURED \
 *       BOOTSTRAP_CLASSES_A AGENT_JAR_A BOOTSTRAP_CLASSES_B AGENT_JAR_B ...
 *
 * where BOOTSTRAP_CLASSES is a build's bootstrap/target/classes (a copy) and AGENT_JAR its
 * agent/target/perfmon-agent.jar (a copy). CALLS_PER_INTERVAL 0 measures idle operations.
 */
public final class SnapshotAB {
  @SuppressWarnings("unchecked")
  public static void main(String[] a) throws Exception {
    int ops = Integer.parseInt(a[0]);
    int calls = Integer.parseInt(a[1]);
    int warm = Integer.parseInt(a[2]);
    int n = Integer.parseInt(a[3]);
    int k = (a.length - 4) / 2;
    Supplier<byte[]>[] snapshot = new Supplier[k];
    Runnable[] interval = new Runnable[k];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int v = 0; v < k; v++) {
      ClassLoader boot =
          new URLClassLoader(new URL[] {Path.of(a[4 + 2 * v]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      URL jar = Path.of(a[5 + 2 * v]).toUri().toURL();
      // The agent's classes are in the jar under inst/, loaded by the agent's own class loader
      // (AgentClassLoader.open); a jar of an older build without it is loaded directly.
      ClassLoader agent;
      try (URLClassLoader entry = new URLClassLoader(new URL[] {jar}, null)) {
        java.lang.reflect.Method open =
            entry.loadClass("dev.perfmon.agent.AgentClassLoader").getDeclaredMethod("open", URL.class, ClassLoader.class);
        open.setAccessible(true);
        agent = (ClassLoader) open.invoke(null, jar, boot);
      } catch (ClassNotFoundException e) {
        agent = null;
      }
      if (agent == null) {
        agent = new URLClassLoader(new URL[] {jar}, boot);
      }
      Object w =
          agent.loadClass("dev.perfmon.agent.SnapshotWorkload")
              .getConstructor(int.class, int.class, long.class)
              .newInstance(ops, calls, 7L);
      snapshot[v] = (Supplier<byte[]>) w;
      interval[v] = (Runnable) w;
      long c0 = threads.getCurrentThreadCpuTime();
      snapshot[v].get();
      System.out.printf("%s: cold snapshot %.1f ms CPU%n", a[5 + 2 * v], (threads.getCurrentThreadCpuTime() - c0) / 1e6);
    }
    // The builds take turns in alternating order (first to last, then last to first), so that
    // none is always the one whose state the others' snapshots have just pushed out of the caches.
    for (int i = 0; i < warm; i++) {
      for (int t = 0; t < k; t++) {
        int v = i % 2 == 0 ? t : k - 1 - t;
        interval[v].run();
        snapshot[v].get();
      }
    }
    long[][] cpu = new long[k][n];
    int differ = 0;
    for (int i = 0; i < n; i++) {
      String first = null;
      for (int t = 0; t < k; t++) {
        int v = i % 2 == 0 ? t : k - 1 - t;
        interval[v].run();
        long c0 = threads.getCurrentThreadCpuTime();
        byte[] line = snapshot[v].get();
        cpu[v][i] = threads.getCurrentThreadCpuTime() - c0;
        // The same calls in every build: their operations' figures must be written the same.
        String section = operations(line);
        if (t == 0) {
          first = section;
        } else if (!section.equals(first)) {
          differ++;
        }
      }
    }
    System.out.printf("turns whose operations differ between builds: %d of %d%n", differ, n);
    for (int v = 0; v < k; v++) {
      long[] c = cpu[v];
      Arrays.sort(c);
      System.out.printf("%s: warm ms CPU: min %.2f p25 %.2f median %.2f p75 %.2f%n",
          a[5 + 2 * v], c[0] / 1e6, c[n / 4] / 1e6, c[n / 2] / 1e6, c[3 * n / 4] / 1e6);
    }
    System.exit(0);
  }

  /** The snapshot line's {@code "operations"} object (the rest holds times and memory readings). */
  private static String operations(byte[] line) {
    String s = new String(line, java.nio.charset.StandardCharsets.UTF_8);
    int from = s.indexOf("\"operations\":{");
    int to = s.indexOf("\"memory\":{", from);
    return from < 0 || to < 0 ? s : s.substring(from, to);
  }
}
