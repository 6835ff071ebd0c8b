package dev.perfmon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An {@link Operation}'s timing paths allocate nothing, with a backend installed and without: after
 * warm-up, 100k calls may allocate at most a small constant in total, measured with the JVM's
 * per-thread allocation counter. One allocation per call would show as at least 1.6 MB.
 */
class OperationAllocationTest {
  private static final int CALLS = 100_000;
  /** Total bytes tolerated: noise of the measurement itself, not a per-call budget. */
  private static final long TOLERANCE = 1024;

  private static com.sun.management.ThreadMXBean threads;

  /** Counts into primitive fields: a backend that allocates nothing itself. */
  static final class CountingBackend implements Backend {
    long calls;
    long errors;
    long nanos;
    long withMetadata;

    @Override
    public int register(String name) {
      return 7;
    }

    @Override
    public void record(int id, long d, boolean error, Map<String, ?> metadata) {
      calls++;
      errors += error ? 1 : 0;
      nanos += d;
      withMetadata += metadata == null ? 0 : 1;
    }

    @Override
    public OperationStats stats(String name) {
      return null;
    }

    @Override
    public Map<String, OperationStats> statsUnder(String prefix) {
      return Map.of();
    }

    @Override
    public void clear(String prefix) {}
  }

  private static final Map<String, Object> METADATA = Map.of("k", "v");
  /** The work timed: does nothing, returns a cached box. */
  private static final class Work implements Runnable, Callable<Integer> {
    @Override
    public void run() {}

    @Override
    public Integer call() {
      return 42;
    }
  }

  private static final Work WORK = new Work();
  private static final Runnable RUNNABLE = WORK;
  private static final Callable<Integer> CALLABLE = WORK;

  @BeforeAll
  static void counter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
    threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  @AfterEach
  void uninstall() {
    PerfMon.backend = NoopBackend.INSTANCE;
  }

  private static long allocated() {
    return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private static long drive(Operation op, int calls) {
    long sum = 0;
    for (int i = 0; i < calls; i++) {
      long t = op.start();
      op.stop(t, (i & 7) == 0);
      op.trackOperation(RUNNABLE);
      op.trackOperation(RUNNABLE, METADATA);
      sum += op.trackOperation(CALLABLE);
      sum += op.trackOperation(CALLABLE, METADATA);
    }
    return sum;
  }

  private static long measure(Operation op) {
    drive(op, CALLS); // warm-up: binding made, code compiled
    allocated();
    long before = allocated();
    long sum = drive(op, CALLS);
    long bytes = allocated() - before;
    assertThat(sum).isEqualTo(84L * CALLS);
    return bytes;
  }

  @Test
  void timingThroughAHandleAllocatesNothingWithABackend() {
    CountingBackend backend = new CountingBackend();
    PerfMon.backend = backend;
    Operation op = PerfMon.monitor().scope("hot").operation("path");
    long bytes = measure(op);
    assertThat(bytes).as("bytes allocated by %d x 5 timed calls", CALLS).isLessThan(TOLERANCE);
    assertThat(backend.calls).isEqualTo(2L * CALLS * 5);
    assertThat(backend.errors).isEqualTo(2L * CALLS / 8);
    assertThat(backend.withMetadata).isEqualTo(2L * CALLS * 2);
  }

  @Test
  void timingThroughAHandleAllocatesNothingWithoutTheAgent() {
    Operation op = PerfMon.monitor().operation("hot.path");
    long bytes = measure(op);
    assertThat(bytes).as("bytes allocated by %d x 5 pass-through calls", CALLS).isLessThan(TOLERANCE);
  }
}
