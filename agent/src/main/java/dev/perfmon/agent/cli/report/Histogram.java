package dev.perfmon.agent.cli.report;

/**
 * A merged histogram in the {@link LogLinear} layout: the sum of any number of snapshots' sparse
 * {@code histogram} arrays. Pages of 64 buckets are allocated when first used, so an operation
 * whose calls span a few powers of two costs a few KB.
 */
final class Histogram {
  private final long[][] pages = new long[LogLinear.PAGES][];
  private long total;

  long total() {
    return total;
  }

  void add(int index, long count) {
    if (index < 0 || index >= LogLinear.BUCKETS || count <= 0) {
      throw new IllegalArgumentException("bucket " + index + " count " + count);
    }
    long[] page = pages[index >>> 6];
    if (page == null) {
      page = new long[LogLinear.SUB_BUCKETS];
      pages[index >>> 6] = page;
    }
    page[index & 63] += count;
    total += count;
  }

  /**
   * Adds a sparse array {@code [firstIndex, count, gap, count, ...]} (docs/output-files.md) of
   * {@code n} numbers. Throws IllegalArgumentException when it is malformed (nothing is added then).
   */
  void addSparse(long[] sparse, int n) {
    if (n % 2 != 0) {
      throw new IllegalArgumentException("odd length");
    }
    long index = 0;
    for (int i = 0; i < n; i += 2) {
      long step = sparse[i];
      if (step < 0 || (i > 0 && step == 0) || sparse[i + 1] <= 0) {
        throw new IllegalArgumentException("bad pair at " + i);
      }
      index += step;
      if (index >= LogLinear.BUCKETS) {
        throw new IllegalArgumentException("index " + index);
      }
    }
    index = 0;
    for (int i = 0; i < n; i += 2) {
      index += sparse[i];
      add((int) index, sparse[i + 1]);
    }
  }

  void addAll(Histogram other) {
    for (int p = 0; p < LogLinear.PAGES; p++) {
      long[] o = other.pages[p];
      if (o != null) {
        for (int i = 0; i < LogLinear.SUB_BUCKETS; i++) {
          if (o[i] != 0) {
            add(p * LogLinear.SUB_BUCKETS + i, o[i]);
          }
        }
      }
    }
  }

  /**
   * The value in nanoseconds at percentile {@code q} (0, 1]: the midpoint of the bucket holding
   * rank {@code ceil(q * total)}, clamped to [min, max] (pass NaN when unknown).
   */
  double valueAt(double q, double minNanos, double maxNanos) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int p = 0; p < LogLinear.PAGES; p++) {
      long[] page = pages[p];
      if (page == null) {
        continue;
      }
      for (int i = 0; i < LogLinear.SUB_BUCKETS; i++) {
        seen += page[i];
        if (seen >= rank) {
          double v = LogLinear.midpoint(p * LogLinear.SUB_BUCKETS + i);
          if (!Double.isNaN(minNanos)) {
            v = Math.max(v, minNanos);
          }
          if (!Double.isNaN(maxNanos)) {
            v = Math.min(v, maxNanos);
          }
          return v;
        }
      }
    }
    return Double.isNaN(maxNanos) ? 0 : maxNanos;
  }
}
