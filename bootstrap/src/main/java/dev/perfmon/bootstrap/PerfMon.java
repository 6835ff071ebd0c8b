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
    OperationRecorder r = Recorders.get(id);
    if (r != null) {
      r.record(nanos, thrown != null);
    }
  }

  /** Records a call of operation {@code id} with a known duration. */
  public static void recordNanos(int id, long nanos, boolean error) {
    OperationRecorder r = Recorders.get(id);
    if (r != null) {
      r.record(nanos, error);
    }
  }
}
