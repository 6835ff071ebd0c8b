package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Buckets;

/**
 * Where the percentiles of a histogram fall: for each reported percentile the bucket that holds
 * it, the calls in the buckets below that one and the calls in it, and the first and last
 * non-empty buckets. Kept by a {@link StatsReader} for its operation's cumulative histogram, so
 * that a snapshot can move them by the interval's calls ({@link #advance}) instead of scanning
 * the cumulative histogram again: the interval's non-empty buckets are a short list in the
 * snapshot thread's hot buffers, while the cumulative ones are spread over the heap, one block
 * per operation and page. A
 * percentile that leaves its bucket is found from its old one, reading the neighbouring buckets
 * only. Either way the values are exactly what a full scan of the histogram gives ({@link
 * #locate}, used for the first read).
 *
 * <p>Not thread-safe: owned by the snapshot thread.
 */
final class Positions {
  /** The extra percentiles these positions were made for (compared by identity). */
  final double[] extra;
  /** {@link Distribution#PERCENTILES}, then {@link #extra}. */
  final double[] quantiles;
  /** Indices of {@link #quantiles} in ascending order of their value. */
  final int[] order;
  final int[] bucket;
  final long[] below;
  final long[] at;
  long total;
  int first = -1;
  int last = -1;

  Positions(double[] extra) {
    this.extra = extra;
    int n = Distribution.PERCENTILES.length + extra.length;
    quantiles = new double[n];
    order = new int[n];
    for (int k = 0; k < n; k++) {
      double q =
          k < Distribution.PERCENTILES.length
              ? Distribution.PERCENTILES[k]
              : extra[k - Distribution.PERCENTILES.length];
      quantiles[k] = q;
      // Insertion sort (n is 5 plus the few requested percentiles).
      int j = k;
      while (j > 0 && quantiles[order[j - 1]] > q) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = k;
    }
    bucket = new int[n];
    below = new long[n];
    at = new long[n];
  }

  /**
   * Positions for the same percentiles as {@code like}, sharing its (immutable) tables of
   * percentiles and their order: one copy for all operations rather than one per operation.
   */
  Positions(Positions like) {
    this.extra = like.extra;
    this.quantiles = like.quantiles;
    this.order = like.order;
    int n = quantiles.length;
    bucket = new int[n];
    below = new long[n];
    at = new long[n];
  }

  /** The 1-based rank of {@code quantile} among {@code total} calls. */
  static long rank(double quantile, long total) {
    return Math.max(1, (long) Math.ceil(quantile * total));
  }

  /**
   * Locates every percentile in a page-wise histogram (see {@link Distribution#ofPages}): whole
   * pages are skipped by their totals. Returns false when the histogram is empty.
   */
  boolean locate(long[][] pages, long[] pageTotals, long pageMask) {
    long sum = 0;
    int firstPage = -1;
    int lastPage = -1;
    for (long m = pageMask & Distribution.ALL_PAGES; m != 0; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      if (pageTotals[p] != 0) {
        sum += pageTotals[p];
        if (firstPage < 0) {
          firstPage = p;
        }
        lastPage = p;
      }
    }
    total = sum;
    if (sum == 0) {
      first = -1;
      last = -1;
      return false;
    }
    long[] firstCounts = pages[firstPage];
    int i0 = 0;
    while (firstCounts[i0] == 0) {
      i0++;
    }
    first = firstPage * Buckets.SUB_BUCKETS + i0;
    long[] lastCounts = pages[lastPage];
    int i1 = Buckets.SUB_BUCKETS - 1;
    while (lastCounts[i1] == 0) {
      i1--;
    }
    last = lastPage * Buckets.SUB_BUCKETS + i1;
    int n = order.length;
    int next = 0;
    long seen = 0;
    for (long m = pageMask & Distribution.ALL_PAGES; m != 0 && next < n; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      if (seen + pageTotals[p] < rank(quantiles[order[next]], sum)) {
        seen += pageTotals[p]; // no percentile falls in this page
        continue;
      }
      long[] counts = pages[p];
      int base = p * Buckets.SUB_BUCKETS;
      for (int i = 0; i < Buckets.SUB_BUCKETS && next < n; i++) {
        long c = counts[i];
        if (c == 0) {
          continue;
        }
        long before = seen;
        seen += c;
        while (next < n && seen >= rank(quantiles[order[next]], sum)) {
          int k = order[next++];
          bucket[k] = base + i;
          below[k] = before;
          at[k] = c;
        }
      }
    }
    while (next < n) {
      // Not reached: the last non-empty bucket holds rank `total`.
      int k = order[next++];
      bucket[k] = last;
      below[k] = sum - 1;
      at[k] = 1;
    }
    return true;
  }

  /**
   * As {@link #locate}, for a histogram given by its non-empty buckets only: {@code index[0..n-1]}
   * (ascending bucket indices in the {@link Buckets} layout) holding {@code count[0..n-1]} calls.
   * Returns false when it is empty.
   */
  boolean locateSparse(int[] index, long[] count, int n) {
    long sum = 0;
    for (int j = 0; j < n; j++) {
      sum += count[j];
    }
    total = sum;
    if (sum == 0) {
      first = -1;
      last = -1;
      return false;
    }
    first = index[0];
    last = index[n - 1];
    int m = order.length;
    int next = 0;
    long seen = 0;
    for (int j = 0; j < n && next < m; j++) {
      long c = count[j];
      long before = seen;
      seen += c;
      while (next < m && seen >= rank(quantiles[order[next]], sum)) {
        int k = order[next++];
        bucket[k] = index[j];
        below[k] = before;
        at[k] = c;
      }
    }
    while (next < m) {
      // Not reached: the last non-empty bucket holds rank `total`.
      int k = order[next++];
      bucket[k] = last;
      below[k] = sum - 1;
      at[k] = 1;
    }
    return true;
  }

  /**
   * Adds an interval's calls, given by their non-empty buckets ({@code index[0..n-1]} ascending,
   * holding {@code count[0..n-1]} calls, {@code calls} in all), to the histogram these positions
   * describe, which is then {@code pages}/{@code pageTotals} (as for {@link #locate}). A percentile
   * that stays in its bucket costs one pass over the interval's buckets (shared by all
   * percentiles); one that leaves it is found by stepping from its old bucket through the
   * neighbouring buckets of {@code pages}, whole pages skipped by their totals.
   */
  void advance(
      int[] index, long[] count, int n, long calls, long[][] pages, long[] pageTotals) {
    if (total == 0) {
      throw new IllegalStateException("locate first");
    }
    if (n > 0) {
      first = Math.min(first, index[0]);
      last = Math.max(last, index[n - 1]);
    }
    total += calls;
    // The percentiles in ascending order of their buckets (so the interval's buckets are walked
    // once); a bucket below the previous one's, which positions never have, restarts the walk.
    int j = 0;
    long added = 0;
    int prevBucket = -1;
    for (int o = 0; o < order.length; o++) {
      int k = order[o];
      int b = bucket[k];
      if (b < prevBucket) {
        j = 0;
        added = 0;
      }
      prevBucket = b;
      while (j < n && index[j] < b) {
        added += count[j++];
      }
      below[k] += added;
      if (j < n && index[j] == b) {
        at[k] += count[j];
      }
    }
    for (int k = 0; k < bucket.length; k++) {
      long r = rank(quantiles[k], total);
      if (r > below[k] + at[k]) {
        forward(k, r, pages, pageTotals);
      } else if (r <= below[k]) {
        backward(k, r, pages, pageTotals);
      }
    }
  }

  /** Moves percentile {@code k} up to the bucket that holds rank {@code r}. */
  private void forward(int k, long r, long[][] pages, long[] pageTotals) {
    long seen = below[k] + at[k];
    int j = bucket[k] + 1;
    while (j <= last) {
      int p = j >>> 6;
      int in = j & (Buckets.SUB_BUCKETS - 1);
      if (in == 0 && seen + pageTotals[p] < r) {
        seen += pageTotals[p]; // the rank is past this whole page
        j += Buckets.SUB_BUCKETS;
        continue;
      }
      long c = pageTotals[p] == 0 ? 0 : pages[p][in];
      if (c != 0 && seen + c >= r) {
        bucket[k] = j;
        below[k] = seen;
        at[k] = c;
        return;
      }
      seen += c;
      j++;
    }
    bucket[k] = last; // not reached: the last non-empty bucket holds rank `total`
    below[k] = total - pages[last >>> 6][last & (Buckets.SUB_BUCKETS - 1)];
    at[k] = total - below[k];
  }

  /** Moves percentile {@code k} down to the bucket that holds rank {@code r}. */
  private void backward(int k, long r, long[][] pages, long[] pageTotals) {
    long before = below[k]; // calls below bucket j + 1
    int j = bucket[k] - 1;
    while (j >= first) {
      int p = j >>> 6;
      int in = j & (Buckets.SUB_BUCKETS - 1);
      if (in == Buckets.SUB_BUCKETS - 1 && before - pageTotals[p] >= r) {
        before -= pageTotals[p]; // the rank is below this whole page
        j -= Buckets.SUB_BUCKETS;
        continue;
      }
      long c = pageTotals[p] == 0 ? 0 : pages[p][in];
      before -= c;
      if (c != 0 && before < r) {
        bucket[k] = j;
        below[k] = before;
        at[k] = c;
        return;
      }
      j--;
    }
    bucket[k] = first; // not reached: the first non-empty bucket holds rank 1
    below[k] = 0;
    at[k] = pages[first >>> 6][first & (Buckets.SUB_BUCKETS - 1)];
  }
}
