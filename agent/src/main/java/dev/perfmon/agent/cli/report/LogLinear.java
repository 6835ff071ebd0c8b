package dev.perfmon.agent.cli.report;

/**
 * The agent's log-linear bucket layout (the same arithmetic as {@code
 * dev.perfmon.bootstrap.Buckets}, which the command-line tool cannot load: the bootstrap classes
 * are a nested jar for the bootstrap class loader), as documented for third parties in
 * docs/output-files.md. Durations in nanoseconds: 0..63 exactly, then every power of two from
 * 2^6 to 2^39 split into 64 equal buckets.
 */
final class LogLinear {
  static final int SUB_BUCKETS = 64;
  static final int PAGES = 35;
  static final int BUCKETS = PAGES * SUB_BUCKETS;

  private LogLinear() {}

  /** The bucket of a duration (the last bucket for 2^40 ns and more). */
  static int index(long nanos) {
    if (nanos < SUB_BUCKETS) {
      return nanos < 0 ? 0 : (int) nanos;
    }
    long v = Math.min(nanos, (1L << 40) - 1);
    int msb = 63 - Long.numberOfLeadingZeros(v);
    return ((msb - 5) << 6) | (int) ((v >>> (msb - 6)) & 63);
  }

  static long lowerBound(int index) {
    int page = index >>> 6;
    int sub = index & 63;
    if (page == 0) {
      return sub;
    }
    return (1L << (page + 5)) + ((long) sub << (page - 1));
  }

  static long width(int index) {
    int page = index >>> 6;
    return page == 0 ? 1 : 1L << (page - 1);
  }

  static double midpoint(int index) {
    return lowerBound(index) + (width(index) - 1) / 2.0;
  }
}
