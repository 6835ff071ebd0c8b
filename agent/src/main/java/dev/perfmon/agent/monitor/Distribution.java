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
    long[][] pages = new long[Buckets.PAGES][];
    long[] pageTotals = new long[Buckets.PAGES];
    for (int p = 0; p < Buckets.PAGES; p++) {
      int base = p * Buckets.SUB_BUCKETS;
      pages[p] = java.util.Arrays.copyOfRange(counts, base, base + Buckets.SUB_BUCKETS);
      long t = 0;
      for (long c : pages[p]) {
        t += c;
      }
      pageTotals[p] = t;
    }
    return ofPages(pages, pageTotals, ALL_PAGES, errors, sum, min, max, extra);
  }

  /** {@link Buckets#midpoint} of every bucket. */
  private static final double[] MIDPOINTS = new double[Buckets.BUCKETS];

  static {
    for (int i = 0; i < MIDPOINTS.length; i++) {
      MIDPOINTS[i] = Buckets.midpoint(i);
    }
  }

  /** Every page of the {@link Buckets} layout. */
  static final long ALL_PAGES = (1L << Buckets.PAGES) - 1;

  /**
   * As {@link #of(long[], long, long, long, long, double[])}, given the bucket counts page by page
   * ({@code pages[p][i]} is bucket {@code p * 64 + i}; at least 64 entries) and the calls of each
   * page ({@code pageTotals[p]} = the sum of {@code pages[p][0..63]}), for the pages whose bit is
   * set in {@code pageMask} (the others must be empty; a page whose total is 0 is never read and
   * may be null). Neither array is kept. Whole pages are
   * skipped by their totals: the buckets of at most the first, the last and the pages where a
   * percentile falls are read, so the cost does not grow with the calls or the pages an operation
   * uses.
   */
  static Distribution ofPages(
      long[][] pages,
      long[] pageTotals,
      long pageMask,
      long errors,
      long sum,
      long min,
      long max,
      double[] extra) {
    return ofPages(new Positions(extra), pages, pageTotals, pageMask, errors, sum, min, max);
  }

  /**
   * As {@link #ofPages(long[][], long[], long, long, long, long, long, double[])}, for the extra
   * percentiles of {@code positions}, which it overwrites (a reused work object).
   */
  static Distribution ofPages(
      Positions positions,
      long[][] pages,
      long[] pageTotals,
      long pageMask,
      long errors,
      long sum,
      long min,
      long max) {
    if (!positions.locate(pages, pageTotals, pageMask)) {
      return empty(positions.extra);
    }
    return ofPositions(positions, errors, sum, min, max);
  }

  /**
   * The distribution whose percentiles are at {@code positions} (which must describe a non-empty
   * histogram): each value is its bucket's midpoint, clamped to {@code min}/{@code max} and to the
   * first and last non-empty buckets.
   */
  static Distribution ofPositions(Positions positions, long errors, long sum, long min, long max) {
    long total = positions.total;
    if (total == 0) {
      return empty(positions.extra);
    }
    int first = positions.first;
    int last = positions.last;
    long lo = Buckets.lowerBound(first);
    long hi = Buckets.lowerBound(last) + Buckets.width(last) - 1;
    long mn = Math.max(lo, min == Long.MAX_VALUE ? lo : min);
    long mx = Math.min(hi, max == Long.MIN_VALUE ? hi : max);
    if (mx < mn) {
      mx = mn;
    }
    int[] bucket = positions.bucket;
    double[] extra = positions.extra;
    double[] p = new double[PERCENTILES.length];
    double[] e = extra.length == 0 ? NONE : new double[extra.length];
    for (int k = 0; k < bucket.length; k++) {
      double v = Math.max((double) mn, Math.min((double) mx, MIDPOINTS[bucket[k]]));
      if (k < p.length) {
        p[k] = v;
      } else {
        e[k - p.length] = v;
      }
    }
    return new Distribution(total, Math.min(errors, total), sum, mn, mx, p, extra, e, total);
  }

  /** The distribution of no calls (zero figures), with {@code extra} percentiles all 0. */
  static Distribution empty(double[] extra) {
    return new Distribution(
        0, 0, 0, 0, 0, new double[PERCENTILES.length], extra, new double[extra.length], 0);
  }
}
