package dev.perfmon.bootstrap;

/**
 * Log-linear bucket layout shared by the recorders (writers) and the agent's statistics (reader).
 *
 * <p>Values are durations in nanoseconds. Values 0..63 each have their own bucket (page 0). Above
 * that, every power of two {@code [2^m, 2^(m+1))} with {@code m >= 6} is split into 64 equal
 * sub-buckets (page {@code m - 5}). A bucket's width is therefore at most 1/64 of its lower bound,
 * and reporting a bucket's midpoint is off by at most 1/128 (0.78 %) of the true value. Values at or
 * above {@link #MAX_TRACKABLE} (about 18 minutes) fall into the last bucket; the exact maximum is
 * tracked separately.
 *
 * <p>Pure static arithmetic: thread-safe, allocation-free.
 */
public final class Buckets {
  /** Sub-buckets per page (per power of two). */
  public static final int SUB_BUCKETS = 64;

  static final int SUB_BITS = 6;
  /** Highest power of two tracked with full resolution: values up to 2^40 - 1 ns. */
  static final int MAX_MSB = 39;
  /** Number of pages: page 0 (exact 0..63) plus one per power of two from 2^6 to 2^39. */
  public static final int PAGES = MAX_MSB - SUB_BITS + 2;
  /** Total number of buckets. */
  public static final int BUCKETS = PAGES * SUB_BUCKETS;
  /** Largest value with its own bucket; larger values are clamped into the last bucket. */
  public static final long MAX_TRACKABLE = (1L << (MAX_MSB + 1)) - 1;
  /** Worst-case relative error of {@link #midpoint(int)} for any value below MAX_TRACKABLE. */
  public static final double RELATIVE_ERROR = 1.0 / (2 * SUB_BUCKETS);

  private Buckets() {}

  /** Bucket index of a duration; negative values count as 0. */
  public static int index(long nanos) {
    if (nanos < SUB_BUCKETS) {
      return nanos < 0 ? 0 : (int) nanos;
    }
    if (nanos > MAX_TRACKABLE) {
      nanos = MAX_TRACKABLE;
    }
    int msb = 63 - Long.numberOfLeadingZeros(nanos);
    return ((msb - SUB_BITS + 1) << SUB_BITS) | (int) ((nanos >>> (msb - SUB_BITS)) & (SUB_BUCKETS - 1));
  }

  /** Smallest value that falls into bucket {@code index}. */
  public static long lowerBound(int index) {
    int page = index >>> SUB_BITS;
    int sub = index & (SUB_BUCKETS - 1);
    if (page == 0) {
      return sub;
    }
    int msb = page + SUB_BITS - 1;
    return (1L << msb) + ((long) sub << (msb - SUB_BITS));
  }

  /** Number of distinct values that fall into bucket {@code index}. */
  public static long width(int index) {
    int page = index >>> SUB_BITS;
    return page == 0 ? 1 : 1L << (page - 1);
  }

  /** The value reported for a bucket: the middle of its range. */
  public static double midpoint(int index) {
    return lowerBound(index) + (width(index) - 1) / 2.0;
  }
}
