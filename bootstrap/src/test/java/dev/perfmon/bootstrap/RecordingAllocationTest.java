package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tracked path must not allocate: after warm-up, a million recorded calls may allocate at most
 * a small constant in total (not per call), measured with the JVM's per-thread allocation counter.
 * A single allocation per call would show up as at least 16 MB.
 */
class RecordingAllocationTest {
  private static final int CALLS = 1_000_000;
  /** Total bytes tolerated for a million calls: noise of the measurement itself, not a per-call budget. */
  private static final long TOLERANCE = 1024;

  private static com.sun.management.ThreadMXBean threads;
  private static final long[] DURATIONS = durations();
  // One shared instance, so that the recording loop allocates nothing of its own.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  private static final Throwable FAILURE = new IllegalStateException("recorded as an error");

  @BeforeAll
  static void counter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
    threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /** Durations from 0 ns to beyond {@link Buckets#MAX_TRACKABLE}, so every page gets used. */
  private static long[] durations() {
    SplittableRandom random = new SplittableRandom(11);
    long[] d = new long[4096];
    for (int i = 0; i < d.length; i++) {
      d[i] = (long) Math.exp(random.nextDouble() * Math.log(Buckets.MAX_TRACKABLE * 2.0));
    }
    d[0] = 0;
    d[1] = -5;
    d[2] = Long.MAX_VALUE;
    return d;
  }

  private static long allocated() {
    return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void operationRecorderRecordAllocatesNothing() {
    OperationRecorder r = new OperationRecorder(1, "op");
    driveRecorder(r, 200_000); // warm-up: lane claimed, every page allocated, code compiled
    allocated();
    long before = allocated();
    driveRecorder(r, CALLS);
    long bytes = allocated() - before;
    assertThat(bytes).as("bytes allocated by %d record calls", CALLS).isLessThan(TOLERANCE);
    assertThat(OperationRecorderTest.read(r)[0]).isEqualTo(200_000L + CALLS);
  }

  @Test
  void perfMonRecordAllocatesNothing() {
    // The path woven code takes: table look-up by a constant id, then the recorder.
    int id = Recorders.CAPACITY - 3;
    OperationRecorder r = new OperationRecorder(id, "woven");
    Recorders.install(r);
    // Real durations vary (a preemption makes one call last milliseconds); touch every histogram
    // page first, so the only allocation left to see would be one made per call.
    for (long d : DURATIONS) {
      PerfMon.recordNanos(id, d, false);
    }
    drivePerfMon(id, 200_000);
    allocated();
    long before = allocated();
    drivePerfMon(id, CALLS);
    long bytes = allocated() - before;
    assertThat(bytes).as("bytes allocated by %d PerfMon.record calls", CALLS).isLessThan(TOLERANCE);
    long[] v = OperationRecorderTest.read(r);
    assertThat(v[0]).isEqualTo(DURATIONS.length + 200_000L + CALLS);
    assertThat(v[1]).isEqualTo((200_000L + CALLS) / 8);
  }

  private static void driveRecorder(OperationRecorder r, int calls) {
    for (int i = 0; i < calls; i++) {
      r.record(DURATIONS[i & (DURATIONS.length - 1)], (i & 7) == 0);
    }
  }

  private static void drivePerfMon(int id, int calls) {
    for (int i = 0; i < calls; i++) {
      PerfMon.record(id, PerfMon.start(), (i & 7) == 0 ? FAILURE : null);
    }
  }
}
