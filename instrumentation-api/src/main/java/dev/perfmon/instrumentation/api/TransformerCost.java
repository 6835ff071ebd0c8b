package dev.perfmon.instrumentation.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent's class-file transformer has cost the threads that loaded classes: the classes
 * it was called for and the time spent in it (two {@code System.nanoTime()} reads per class, a
 * few tens of nanoseconds against the microseconds of the work they time). For the snapshot's
 * {@code agent} section and for start-up measurements.
 *
 * <p>With the system property {@code perfmon.debug.transformerCpu=true} the threads' CPU time in
 * the transformer is counted too ({@link ThreadMXBean#getCurrentThreadCpuTime}: a system call per
 * read, so only for measurements): unlike the elapsed time, it does not grow when other processes
 * take the processors, which makes builds comparable on a busy machine.
 */
public final class TransformerCost {
  private static final LongAdder CLASSES = new LongAdder();
  private static final LongAdder NANOS = new LongAdder();
  private static final LongAdder CPU_NANOS = new LongAdder();
  /** Set at start-up when CPU time is measured, else null. */
  private static volatile ThreadMXBean cpu;

  private TransformerCost() {}

  /** Turns the CPU time measurement on when the system property asks for it (in premain). */
  public static void init() {
    if (Boolean.getBoolean("perfmon.debug.transformerCpu")) {
      ThreadMXBean t = ManagementFactory.getThreadMXBean();
      if (t.isCurrentThreadCpuTimeSupported()) {
        cpu = t;
      }
    }
  }

  /** The CPU time of the current thread when measured, else 0. Called at a transformation's start. */
  public static long cpuStart() {
    ThreadMXBean t = cpu;
    return t == null ? 0 : t.getCurrentThreadCpuTime();
  }

  /** Counts one call of the transformer that started at {@code startNanos} and {@code cpuStart}. */
  public static void record(long startNanos, long cpuStart) {
    NANOS.add(System.nanoTime() - startNanos);
    CLASSES.increment();
    ThreadMXBean t = cpu;
    if (t != null) {
      CPU_NANOS.add(t.getCurrentThreadCpuTime() - cpuStart);
    }
  }

  /** Classes the transformer was called for. */
  public static long classes() {
    return CLASSES.sum();
  }

  /** Elapsed time in the transformer, ns. */
  public static long nanos() {
    return NANOS.sum();
  }

  /** CPU time in the transformer, ns; -1 when not measured. */
  public static long cpuNanos() {
    return cpu == null ? -1 : CPU_NANOS.sum();
  }
}
