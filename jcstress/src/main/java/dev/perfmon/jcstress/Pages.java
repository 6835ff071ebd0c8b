package dev.perfmon.jcstress;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;

/** Helpers shared by the tests: durations in known pages and the reader's two-step read. */
final class Pages {
  /** A duration in page {@link #PAGE} (bucket {@code index & 63}). */
  static final long D1 = 5_000_000;
  /** Another duration in the same page, in another bucket. */
  static final long D2 = 7_000_000;

  static final int PAGE = Buckets.index(D1) / Buckets.SUB_BUCKETS;

  static {
    if (Buckets.index(D2) / Buckets.SUB_BUCKETS != PAGE || Buckets.index(D2) == Buckets.index(D1)) {
      throw new IllegalStateException("D1 and D2 must be two buckets of one page");
    }
  }

  private Pages() {}

  /** Calls counted in all buckets (a full read, as the arbiter does it). */
  static long calls(OperationRecorder r) {
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(counts, totals);
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** Errors counted (a full read). */
  static long errors(OperationRecorder r) {
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(counts, totals);
    return totals[0];
  }

  static long sum(long[] buckets) {
    long n = 0;
    for (long c : buckets) {
      n += c;
    }
    return n;
  }
}
