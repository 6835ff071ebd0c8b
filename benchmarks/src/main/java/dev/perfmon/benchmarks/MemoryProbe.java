package dev.perfmon.benchmarks;

import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Heap retained by N tracked operations: registers N operations through the agent's {@link
 * OperationRegistry} (name, id, recorder installed in the bootstrap table), records calls into each
 * from one or more live threads, and compares the used heap after full GCs with the used heap
 * before:
 *
 * <pre>
 *   java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar \
 *     dev.perfmon.benchmarks.MemoryProbe 1000 [threads=1] [callsPerOp=200]
 * </pre>
 *
 * <p>Each operation gets durations spread log-normally around a per-operation median (between 50
 * µs and 50 ms, a factor e^1 either way), which touches about 6 histogram pages (powers of two)
 * per recording thread, as a real endpoint or query would.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    long before = usedAfterGc(memory);
    OperationRegistry registry = new OperationRegistry(Math.max(n, 1), name -> {});
    OperationRecorder[] recorders = new OperationRecorder[n];
    for (int i = 0; i < n; i++) {
      int id = registry.idOf("com.example.service.Service" + (i / 20) + "#method" + i);
      recorders[i] = registry.find("com.example.service.Service" + (i / 20) + "#method" + i);
      if (recorders[i] == null || recorders[i].id() != id) {
        throw new IllegalStateException("registry did not install operation " + i);
      }
    }
    long registered = usedAfterGc(memory);

    // Recording threads stay alive until the measurement is done, so their lanes are live.
    java.util.concurrent.CountDownLatch recorded = new java.util.concurrent.CountDownLatch(threads);
    java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      final int seed = t;
      Thread th = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
          double median = Math.log(50_000) + (i % 97) / 96.0 * Math.log(1000);
          for (int c = 0; c < calls; c++) {
            recorders[i].record((long) Math.exp(median + random.nextGaussian()), false);
          }
        }
        recorded.countDown();
        try {
          measured.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "recorder-" + t);
      th.setDaemon(true);
      th.start();
    }
    recorded.await();
    long after = usedAfterGc(memory);
    measured.countDown();

    long footprint = 0;
    for (OperationRecorder r : recorders) {
      footprint += r.footprintBytes();
    }
    System.out.printf(Locale.ROOT,
        "operations=%d threads=%d callsPerOp=%d: registry+recorders empty %.1f KB (%d B/op); after recording %.1f KB"
            + " (%d B/op); recorders' own footprintBytes() %d B/op%n",
        n, threads, calls,
        (registered - before) / 1024.0, (registered - before) / n,
        (after - before) / 1024.0, (after - before) / n, footprint / n);
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
