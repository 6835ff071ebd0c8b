package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OperationRecorderTest {

  static long[] read(OperationRecorder r) {
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(counts, totals);
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return new long[] {n, totals[0], totals[1], totals[2], totals[3]};
  }

  @Test
  void recordsCountErrorsSumMinMax() {
    OperationRecorder r = new OperationRecorder(1, "op");
    r.record(100, false);
    r.record(300, true);
    r.record(200, false);
    assertThat(read(r)).containsExactly(3, 1, 600, 100, 300);
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {2, 8, 32})
  void countsAreExactUnderConcurrency(int threads) throws Exception {
    OperationRecorder r = new OperationRecorder(1, "op");
    int perThread = 100_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int seed = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  r.record(1 + ((i * 31L + seed) % 5000), i % 10 == 0);
                }
              });
      list.add(th);
      th.start();
    }
    start.countDown();
    // Read concurrently while writers run: counts must never go backwards.
    long last = 0;
    while (list.stream().anyMatch(Thread::isAlive)) {
      long[] v = read(r);
      assertThat(v[0]).isGreaterThanOrEqualTo(last);
      assertThat(v[1]).isLessThanOrEqualTo(v[0]);
      last = v[0];
    }
    for (Thread th : list) {
      th.join();
    }
    long[] v = read(r);
    long expectedSum = 0;
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        expectedSum += 1 + ((i * 31L + t) % 5000);
      }
    }
    assertThat(v[0]).isEqualTo((long) threads * perThread);
    assertThat(v[1]).isEqualTo((long) threads * perThread / 10);
    assertThat(v[2]).isEqualTo(expectedSum);
    assertThat(v[3]).isEqualTo(1);
    assertThat(v[4]).isEqualTo(5000);
  }

  /**
   * The page totals the writers keep equal the sums of the pages' buckets once they are quiet,
   * through every stripe kind: owned lanes, the shared stripe (more threads than probe lanes) and
   * lanes folded after their thread ended.
   */
  @Test
  void pageTotalsEqualTheirBucketsThroughLanesSharedStripeAndFoldedLanes() throws Exception {
    OperationRecorder r = new OperationRecorder(1, "op");
    int threads = OperationRecorder.LANE_COUNT * 4 + 3;
    CountDownLatch done = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int seed = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          r.record((i * 7919L + seed * 104_729L) % 50_000_000L, i % 7 == 0);
        }
        done.countDown();
        try {
          release.await(); // all alive together first: some of them record into the shared stripe
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      list.add(th);
      th.start();
    }
    done.await();
    checkPageTotals(r, (long) threads * 20_000);
    release.countDown();
    for (Thread th : list) {
      th.join();
    }
    checkPageTotals(r, (long) threads * 20_000); // the first read after they ended folds the lanes
    checkPageTotals(r, (long) threads * 20_000);
  }

  private static void checkPageTotals(OperationRecorder r, long expectedCalls) {
    long[] pageTotals = new long[Buckets.PAGES];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    long mask = r.readPageTotals(pageTotals, totals) & ((1L << Buckets.PAGES) - 1);
    long[] counts = new long[Buckets.BUCKETS];
    long[] fullTotals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    long fullMask = r.readPagesInto(counts, fullTotals) & ((1L << Buckets.PAGES) - 1);
    assertThat(mask).isEqualTo(fullMask);
    assertThat(totals).containsExactly(fullTotals);
    long calls = 0;
    for (int p = 0; p < Buckets.PAGES; p++) {
      long[] page = new long[Buckets.SUB_BUCKETS];
      long sum = r.readPage(p, page);
      assertThat(page).containsExactly(java.util.Arrays.copyOfRange(counts, p * 64, p * 64 + 64));
      assertThat(pageTotals[p]).as("page %d", p).isEqualTo(sum);
      calls += sum;
    }
    assertThat(calls).isEqualTo(expectedCalls);
  }

  @Test
  void footprintGrowsWithStripesAndPagesAndShrinksWhenALaneIsFolded() throws Exception {
    OperationRecorder r = new OperationRecorder(1, "op");
    long stripe = OperationRecorder.STRIPE_BYTES;
    long page = OperationRecorder.PAGE_BYTES;
    long totals = OperationRecorder.TOTALS_BYTES;
    long empty = 64 + 16L * OperationRecorder.LANE_COUNT + 2 * stripe;
    assertThat(r.footprintBytes()).isEqualTo(empty);
    Thread t =
        new Thread(
            () -> {
              r.record(10, false); // page 0
              r.record(11, false);
              r.record(5_000_000, false); // another page
            });
    t.start();
    t.join();
    assertThat(r.footprintBytes()).isEqualTo(empty + stripe + totals + 2 * page);
    read(r); // folds the dead thread's lane: its pages are added to the reader's retired stripe
    assertThat(r.footprintBytes()).isEqualTo(empty + totals + 2 * page);
    assertThat(read(r)[0]).isEqualTo(3);
    Thread u = new Thread(() -> r.record(12, false));
    u.start();
    u.join();
    assertThat(r.footprintBytes()).isEqualTo(empty + 2 * totals + 3 * page + stripe);
  }

  @Test
  void lanesOfTerminatedThreadsAreFoldedWithoutLosingCounts() throws Exception {
    OperationRecorder r = new OperationRecorder(1, "op");
    for (int round = 0; round < 5; round++) {
      List<Thread> list = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < 1000; i++) {
            r.record(50, false);
          }
        });
        list.add(th);
        th.start();
      }
      for (Thread th : list) {
        th.join();
      }
      assertThat(read(r)[0]).isEqualTo((round + 1) * 4000L);
    }
    assertThat(read(r)[0]).isEqualTo(20_000L);
  }

  @Test
  void slowCallsAreHandedToTheListenerOnlyAboveTheThreshold() {
    OperationRecorder r = new OperationRecorder(7, "op");
    List<long[]> seen = new ArrayList<>();
    SlowCalls.setListener((id, nanos, error) -> seen.add(new long[] {id, nanos, error ? 1 : 0}));
    try {
      r.setSlowThresholdNanos(1_000);
      r.record(999, false);
      r.record(1_000, true);
      r.record(5_000, false);
    } finally {
      SlowCalls.setListener(null);
    }
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).containsExactly(7, 1_000, 1);
    assertThat(seen.get(1)).containsExactly(7, 5_000, 0);
  }

  @Test
  void threadsWhoseIdsCollideStillGetLanesOfTheirOwnUpToTheProbeLimit() throws Exception {
    OperationRecorder r = new OperationRecorder(1, "op");
    int mask = OperationRecorder.LANE_COUNT - 1;
    // PROBES + 1 threads with the same home lane: the first PROBES own one lane each, the last
    // finds them all taken and records through the shared stripe. Every call is counted.
    List<Thread> sameHome = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch recorded = new CountDownLatch(OperationRecorder.PROBES + 1);
    int home = -1;
    while (sameHome.size() < OperationRecorder.PROBES + 1) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 1000; i++) {
          r.record(10 + i, false);
        }
        recorded.countDown();
        try {
          done.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      int h = (int) th.getId() & mask;
      if (home == -1) {
        home = h;
      }
      if (h == home) {
        sameHome.add(th);
      }
    }
    try {
      for (Thread th : sameHome) {
        th.start();
        // One after the other, so that which thread gets which lane is deterministic.
        while (r.lanesOwnedBy(th) == 0 && th.isAlive() && recorded.getCount() > 0
            && sameHome.indexOf(th) < OperationRecorder.PROBES) {
          Thread.onSpinWait();
        }
      }
      recorded.await();
      for (int i = 0; i < OperationRecorder.PROBES; i++) {
        assertThat(r.lanesOwnedBy(sameHome.get(i))).as("lanes of thread %d", i).isEqualTo(1);
      }
      assertThat(r.lanesOwnedBy(sameHome.get(OperationRecorder.PROBES))).isZero();
      assertThat(read(r)[0]).isEqualTo(1000L * (OperationRecorder.PROBES + 1));
    } finally {
      done.countDown();
    }
    for (Thread th : sameHome) {
      th.join();
    }
  }

  @Test
  void laneCountIsAPowerOfTwoCoveringTheProcessors() {
    assertThat(OperationRecorder.lanesFor(1)).isEqualTo(1);
    assertThat(OperationRecorder.lanesFor(2)).isEqualTo(2);
    assertThat(OperationRecorder.lanesFor(3)).isEqualTo(4);
    assertThat(OperationRecorder.lanesFor(6)).isEqualTo(8);
    assertThat(OperationRecorder.lanesFor(64)).isEqualTo(16);
  }
}
