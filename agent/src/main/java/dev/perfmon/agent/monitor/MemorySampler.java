package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Faults;
import dev.perfmon.agent.SuppressForbidden;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM memory, GC, thread and CPU readings. Created lazily on the snapshot thread, never during
 * {@code premain}: touching the management beans early can initialise JMX and logging before the
 * application configures them.
 *
 * <p>Not thread-safe: owned by the snapshot thread.
 */
public final class MemorySampler {
  private static final double MB = 1024.0 * 1024.0;
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private final int processors = Runtime.getRuntime().availableProcessors();
  private long lastCpuNanos = -1;
  private long lastWallNanos;

  /** One reading; sizes in MB, {@code rssMb} negative when unknown, cpu load negative when unknown. */
  public record Reading(
      double heapUsedMb,
      double heapCommittedMb,
      double heapMaxMb,
      double nonHeapUsedMb,
      double rssMb,
      Map<String, long[]> gc,
      int threads,
      double processCpuLoad,
      long heapUsedBytes) {}

  public Reading read() {
    Faults.check(Faults.MEMORY);
    MemoryUsage heap = memory.getHeapMemoryUsage();
    MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
    Map<String, long[]> gc = new LinkedHashMap<>();
    for (GarbageCollectorMXBean c : collectors) {
      gc.put(c.getName(), new long[] {Math.max(0, c.getCollectionCount()), Math.max(0, c.getCollectionTime())});
    }
    return new Reading(
        heap.getUsed() / MB,
        heap.getCommitted() / MB,
        heap.getMax() < 0 ? -1 : heap.getMax() / MB,
        nonHeap.getUsed() / MB,
        rssMb(),
        gc,
        threads.getThreadCount(),
        cpuLoad(),
        heap.getUsed());
  }

  /** CPU used by this process since the previous reading, as a share of all processors (0..1). */
  private double cpuLoad() {
    long cpu = processCpuNanos();
    long wall = System.nanoTime();
    double load = -1;
    if (cpu >= 0 && lastCpuNanos >= 0 && wall > lastWallNanos) {
      load = Math.min(1.0, Math.max(0.0, (double) (cpu - lastCpuNanos) / ((wall - lastWallNanos) * (double) processors)));
    }
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    return load;
  }

  @SuppressForbidden // HotSpot's process CPU time, used only when the JVM provides that bean
  private long processCpuNanos() {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /** Resident set size from /proc/self/status (Linux), or -1 elsewhere. */
  static double rssMb() {
    if (!Files.isReadable(PROC_STATUS)) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          String digits = line.substring(6).replace("kB", "").trim();
          return Long.parseLong(digits) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
