package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Buckets;
import java.util.List;

/**
 * Figures of one set of calls (cumulative or one interval), computed from a dense bucket-count
 * array in the {@link Buckets} layout. Percentiles are bucket midpoints clamped to the exact
 * minimum and maximum, so their relative error is at most {@link Buckets#RELATIVE_ERROR}.
 *
 * @param count calls
 * @param errors calls that threw
 * @param sumNanos exact sum of durations
 * @param minNanos minimum duration (exact for cumulative figures; within the bucket error for an
 *     interval), or 0 when count is 0
 * @param maxNanos maximum duration (same remark)
 * @param percentiles the values at {@link #PERCENTILES}, in nanoseconds
 * @param extraPercentiles further percentiles computed on request (e.g. a budget's {@code
 *     budget.percentile}), never null
 * @param extraValues their values, in nanoseconds, same order
 * @param sampled the calls that were timed: equal to {@code count} unless the operation is sampled
 *     ({@code sample.<glob>}), in which case the durations, average and percentiles describe the
 *     timed calls only while {@code count} and {@code errors} still cover every call
 */
// The array components: the snapshot thread builds one Distribution per operation per interval and
// reads them by index; a Distribution is never compared or hashed (arrays compare by identity).
public record Distribution(
    long count,
    long errors,
    long sumNanos,
    long minNanos,
    long maxNanos,
    @SuppressWarnings("ArrayRecordComponent") double[] percentiles,
    @SuppressWarnings("ArrayRecordComponent") double[] extraPercentiles,
    @SuppressWarnings("ArrayRecordComponent") double[] extraValues,
    long sampled) {

  private static final double[] NONE = new double[0];

  public Distribution(
      long count, long errors, long sumNanos, long minNanos, long maxNanos, double[] percentiles) {
    this(count, errors, sumNanos, minNanos, maxNanos, percentiles, NONE, NONE, count);
  }

  /** This distribution plus calls that were counted but not timed (sampling skipped them). */
  public Distribution withSkipped(long skipped, long skippedErrors) {
    if (skipped <= 0) {
      return this;
    }
    return new Distribution(
        count + skipped,
        errors + Math.max(0, Math.min(skippedErrors, skipped)),
        sumNanos,
        minNanos,
        maxNanos,
        percentiles,
        extraPercentiles,
        extraValues,
        sampled);
  }

  /** The percentiles every snapshot reports: p50, p90, p95, p99, p999. */
  static final double[] PERCENTILES = {0.50, 0.90, 0.95, 0.99, 0.999};

  /** The names of {@link #PERCENTILES} as the snapshot writes them, same order. */
  public static final List<String> PERCENTILE_NAMES = List.of("p50", "p90", "p95", "p99", "p999");

  public long successes() {
    return count - errors;
  }

  /** Average duration of the timed calls. */
  public double avgNanos() {
    return sampled == 0 ? 0 : (double) sumNanos / sampled;
  }

  /**
   * The value at {@code percentile} in nanoseconds, when it is one of {@link #PERCENTILES} or was
   * requested as an extra percentile; {@code NaN} otherwise.
   */
  public double percentile(double percentile) {
    for (int i = 0; i < PERCENTILES.length; i++) {
      if (PERCENTILES[i] == percentile) {
        return percentiles[i];
      }
    }
    for (int i = 0; i < extraPercentiles.length; i++) {
      if (extraPercentiles[i] == percentile) {
        return extraValues[i];
      }
    }
    return Double.NaN;
  }

  /** Whether {@link #percentile} of {@code p} is available without requesting it. */
  public static boolean isStandard(double p) {
    for (double q : PERCENTILES) {
      if (q == p) {
        return true;
      }
    }
    return false;
  }

  /** Value at {@code percentile} (0..1] of the distribution, from a separately given array. */
  public static double valueAt(long[] counts, long total, double percentile, long min, long max) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(percentile * total);
    if (rank < 1) {
      rank = 1;
    }
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        double v = Buckets.midpoint(i);
        return Math.max((double) min, Math.min((double) max, v));
      }
    }
    return max;
  }

  /**
   * Builds a distribution from bucket counts. {@code min}/{@code max} bound the reported values;
   * pass {@code Long.MAX_VALUE}/{@code Long.MIN_VALUE} when unknown and they are derived from the
   * lowest and highest non-empty buckets.
   */
  public static Distribution of(long[] counts, long errors, long sum, long min, long max) {
    return of(counts, errors, sum, min, max, NONE);
  }

  /**
   * As {@link #of(long[], long, long, long, long)}, also computing the values at {@code extra}
   * percentiles (each in (0, 1]), available through {@link #percentile(double)}.
   */
  public static Distribution of(
      long[] counts, long errors, long sum, long min, long max, double[] extra) {
    long[] pageTotals = new long[Buckets.PAGES];
    for (int p = 0; p < Buckets.PAGES; p++) {
      int base = p * Buckets.SUB_BUCKETS;
      long t = 0;
      for (int i = base; i < base + Buckets.SUB_BUCKETS; i++) {
        t += counts[i];
      }
      pageTotals[p] = t;
    }
    return ofPages(counts, pageTotals, ALL_PAGES, errors, sum, min, max, extra);
  }

  /** Every page of the {@link Buckets} layout. */
  static final long ALL_PAGES = (1L << Buckets.PAGES) - 1;

  /**
   * As {@link #of(long[], long, long, long, long, double[])}, given the calls of each page ({@code
   * pageTotals[p]} = the sum of buckets {@code p * 64} to {@code p * 64 + 63} of {@code counts}),
   * for the pages whose bit is set in {@code pageMask} (the others must be empty). Whole pages are
   * skipped by their totals: the buckets of at most the first, the last and the pages where a
   * percentile falls are read, so the cost does not grow with the calls or the pages an operation
   * uses.
   */
  static Distribution ofPages(
      long[] counts,
      long[] pageTotals,
      long pageMask,
      long errors,
      long sum,
      long min,
      long max,
      double[] extra) {
    long total = 0;
    int firstPage = -1;
    int lastPage = -1;
    for (long m = pageMask & ALL_PAGES; m != 0; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      if (pageTotals[p] != 0) {
        total += pageTotals[p];
        if (firstPage < 0) {
          firstPage = p;
        }
        lastPage = p;
      }
    }
    if (total == 0) {
      return empty(extra);
    }
    int first = firstPage * Buckets.SUB_BUCKETS;
    while (counts[first] == 0) {
      first++;
    }
    int last = lastPage * Buckets.SUB_BUCKETS + Buckets.SUB_BUCKETS - 1;
    while (counts[last] == 0) {
      last--;
    }
    long lo = Buckets.lowerBound(first);
    long hi = Buckets.lowerBound(last) + Buckets.width(last) - 1;
    long mn = Math.max(lo, min == Long.MAX_VALUE ? lo : min);
    long mx = Math.min(hi, max == Long.MIN_VALUE ? hi : max);
    if (mx < mn) {
      mx = mn;
    }
    // Ranks of the standard percentiles and the extra ones, visited in ascending order.
    int n = PERCENTILES.length + extra.length;
    long[] ranks = new long[n];
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      double q = k < PERCENTILES.length ? PERCENTILES[k] : extra[k - PERCENTILES.length];
      ranks[k] = Math.max(1, (long) Math.ceil(q * total));
      // Insertion sort by rank (n is 5 plus the few requested percentiles).
      int j = k;
      while (j > 0 && ranks[order[j - 1]] > ranks[k]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = k;
    }
    double[] values = new double[n];
    int next = 0;
    long seen = 0;
    for (long m = pageMask & ALL_PAGES; m != 0 && next < n; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      if (seen + pageTotals[p] < ranks[order[next]]) {
        seen += pageTotals[p]; // no percentile falls in this page
        continue;
      }
      int base = p * Buckets.SUB_BUCKETS;
      for (int i = base; i < base + Buckets.SUB_BUCKETS && next < n; i++) {
        long c = counts[i];
        if (c == 0) {
          continue;
        }
        seen += c;
        if (seen >= ranks[order[next]]) {
          double v = Math.max((double) mn, Math.min((double) mx, Buckets.midpoint(i)));
          do {
            values[order[next++]] = v;
          } while (next < n && seen >= ranks[order[next]]);
        }
      }
    }
    while (next < n) {
      values[order[next++]] = mx; // not reached: the last non-empty bucket holds rank `total`
    }
    double[] p = java.util.Arrays.copyOf(values, PERCENTILES.length);
    double[] e =
        extra.length == 0 ? NONE : java.util.Arrays.copyOfRange(values, PERCENTILES.length, n);
    return new Distribution(total, Math.min(errors, total), sum, mn, mx, p, extra, e, total);
  }

  /** The distribution of no calls (zero figures), with {@code extra} percentiles all 0. */
  static Distribution empty(double[] extra) {
    return new Distribution(
        0, 0, 0, 0, 0, new double[PERCENTILES.length], extra, new double[extra.length], 0);
  }
}
