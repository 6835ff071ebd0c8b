package dev.perfmon.instrumentation.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent's class-file transformer has cost the threads that loaded classes: the classes
 * it was called for and the time spent in it (two {@code System.nanoTime()} reads per class, a
 * few tens of nanoseconds against the microseconds of the work they time). For the snapshot's
 * {@code agent} section and for start-up measurements. A class loaded while the transformer runs
 * (by the class loader's own machinery, or the agent's) is counted, but its time is not counted
 * again: it is already in the time of the transformation around it.
 *
 * <p>With the system property {@code perfmon.debug.transformerCpu=true} the threads' CPU time in
 * the transformer is counted too ({@link ThreadMXBean#getCurrentThreadCpuTime}: a system call per
 * read, so only for measurements): unlike the elapsed time, it does not grow when other processes
 * take the processors, which makes builds comparable on a busy machine. The bytes the threads
 * allocated in the transformer are counted then too ({@code
 * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}), as exact as the CPU time is
 * steady.
 */
public final class TransformerCost {
  private static final LongAdder CLASSES = new LongAdder();
  private static final LongAdder NANOS = new LongAdder();
  private static final LongAdder CPU_NANOS = new LongAdder();
  private static final LongAdder ALLOCATED = new LongAdder();
  /** Set at start-up when CPU time is measured, else null. */
  private static volatile ThreadMXBean cpu;
  /**
   * Set with {@link #cpu} when the JVM counts the bytes each thread allocates ({@code
   * com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}, looked up by name: the
   * build allows no direct use of {@code com.sun} types), else null.
   */
  private static volatile java.lang.invoke.MethodHandle allocation;

  /**
   * Per thread, how many transformations are under way (a JDK type in the thread's map: nothing
   * of the agent's stays there after a detach).
   */
  private static final ThreadLocal<long[]> DEPTH =
      new ThreadLocal<>() { // not a lambda: see package-info
        @Override
        protected long[] initialValue() {
          return new long[2];
        }
      };

  /** What {@link #enter} returns for a transformation inside another: not timed. */
  public static final long NESTED = Long.MIN_VALUE;

  private TransformerCost() {}

  /** Whether the system property {@code perfmon.debug.transformerCpu} asks for the CPU time. */
  public static boolean cpuRequested() {
    return Boolean.getBoolean("perfmon.debug.transformerCpu");
  }

  /** Turns the CPU time measurement on when the system property asks for it (in premain). */
  public static void init() {
    if (cpuRequested()) {
      ThreadMXBean t = ManagementFactory.getThreadMXBean();
      if (t.isCurrentThreadCpuTimeSupported()) {
        cpu = t;
      }
      allocation = AllocationCounter.HANDLE;
    }
  }

  /**
   * The bytes the current thread has allocated so far, or -1 when the JVM does not count them.
   * For measurements only (the first call loads the JVM's management classes): the transformer's
   * figure and the start-up phases' debug line.
   */
  public static long currentThreadAllocatedBytes() {
    java.lang.invoke.MethodHandle a = AllocationCounter.HANDLE;
    return a == null ? -1 : allocated(a);
  }

  /** {@code getCurrentThreadAllocatedBytes} of the JVM's thread bean, looked up at first use. */
  private static final class AllocationCounter {
    static final java.lang.invoke.MethodHandle HANDLE = lookup();

    private static java.lang.invoke.MethodHandle lookup() {
      try {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        Class<?> extended = Class.forName("com.sun.management.ThreadMXBean");
        if (extended.isInstance(t)) {
          return java.lang.invoke.MethodHandles.publicLookup()
              .findVirtual(extended, "getCurrentThreadAllocatedBytes", java.lang.invoke.MethodType.methodType(long.class))
              .bindTo(t);
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // another JVM: no allocation figure
      }
      return null;
    }
  }

  /**
   * At a transformation's start: its start time, or {@link #NESTED} when it runs inside another
   * transformation on this thread. Every {@code enter} must be followed by one {@link #exit}.
   */
  public static long enter() {
    long[] depth = DEPTH.get();
    return depth[0]++ == 0 ? System.nanoTime() : NESTED;
  }

  /** The CPU time of the current thread when measured and {@code start} is timed, else 0. */
  public static long cpuStart(long start) {
    ThreadMXBean t = cpu;
    if (t == null || start == NESTED) {
      return 0;
    }
    java.lang.invoke.MethodHandle a = allocation;
    if (a != null) {
      DEPTH.get()[1] = allocated(a); // the outermost transformation's start
    }
    return t.getCurrentThreadCpuTime();
  }

  /** At a transformation's end: counts the class, and the time since {@code start} unless nested. */
  public static void exit(long start, long cpuStart) {
    exit(start, cpuStart, true);
  }

  /**
   * As {@link #exit(long, long)}; without counting the class when {@code countClass} is false: the
   * start-up transformer's pre-test of a class it passes on to Byte Buddy's, which counts it.
   */
  public static void exit(long start, long cpuStart, boolean countClass) {
    long[] depth = DEPTH.get();
    depth[0]--;
    if (countClass) {
      CLASSES.increment();
    }
    if (start == NESTED) {
      return;
    }
    NANOS.add(System.nanoTime() - start);
    ThreadMXBean t = cpu;
    if (t != null) {
      CPU_NANOS.add(t.getCurrentThreadCpuTime() - cpuStart);
      java.lang.invoke.MethodHandle a = allocation;
      if (a != null) {
        ALLOCATED.add(allocated(a) - depth[1]);
      }
    }
  }

  private static long allocated(java.lang.invoke.MethodHandle a) {
    try {
      return (long) a.invokeExact();
    } catch (Throwable t) {
      return 0;
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

  /** Bytes allocated in the transformer, measured with the CPU time; -1 when not measured. */
  public static long allocatedBytes() {
    return cpu == null || allocation == null ? -1 : ALLOCATED.sum();
  }

  /** CPU time in the transformer, ns; -1 when not measured. */
  public static long cpuNanos() {
    return cpu == null ? -1 : CPU_NANOS.sum();
  }
}
