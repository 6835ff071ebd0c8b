package dev.perfmon.bootstrap;

/**
 * Entry points that woven advice calls. Every method is static, allocation-free and never throws.
 */
public final class PerfMon {
  private PerfMon() {}

  /** Start of a timed call: the current {@link System#nanoTime()}. */
  public static long start() {
    return System.nanoTime();
  }

  /**
   * Records a call of operation {@code id} that started at {@code startNanos} and ends now.
   *
   * @param thrown the throwable the call ended with, or null when it returned normally
   */
  public static void record(int id, long startNanos, Throwable thrown) {
    long nanos = System.nanoTime() - startNanos;
    if (Faults.MASK != 0) {
      Faults.check(Faults.RECORD); // tests only: a constant 0 otherwise
    }
    OperationRecorder r = Recorders.get(id);
    if (r != null) {
      r.record(nanos, thrown != null);
    }
  }

  /** Returned by {@link #sampleStart} for a call that sampling does not time. */
  public static final long NOT_SAMPLED = Long.MIN_VALUE;

  /**
   * Start of a call of a sampled operation: {@link System#nanoTime()} when this call is to be
   * timed; else the call is counted right here and {@link #NOT_SAMPLED} is returned without
   * reading the clock. The choice is random (a generator per recorder lane, see {@link OperationRecorder#sampleCall()}), so the timed calls are an
   * unbiased share of all calls.
   */
  public static long sampleStart(int id) {
    OperationRecorder r = Recorders.get(id);
    return r == null || r.sampleCall() ? System.nanoTime() : NOT_SAMPLED;
  }

  /**
   * End of a call of a sampled operation: records it with its duration when {@code start} came
   * from the clock; a skipped call was counted at its start and only its error remains to count.
   */
  public static void recordSampled(int id, long start, Throwable thrown) {
    if (start != NOT_SAMPLED) {
      record(id, start, thrown);
    } else if (thrown != null) {
      OperationRecorder r = Recorders.get(id);
      if (r != null) {
        r.recordSkippedError();
      }
    }
  }

  /** Records a call of operation {@code id} with a known duration. */
  public static void recordNanos(int id, long nanos, boolean error) {
    if (Faults.MASK != 0) {
      Faults.check(Faults.RECORD);
    }
    OperationRecorder r = Recorders.get(id);
    if (r != null) {
      r.record(nanos, error);
    }
  }
}
