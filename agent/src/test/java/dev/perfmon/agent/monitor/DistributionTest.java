package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Percentile accuracy of the recorder + reader pipeline against exact percentiles of known
 * distributions, and against HdrHistogram (2 significant digits) fed the same values.
 */
class DistributionTest {
  private static final int N = 200_000;

  static Stream<Arguments> distributions() {
    return Stream.of(
        Arguments.of("uniform 1us..10ms", (Generator) r -> 1_000 + r.nextLong(10_000_000 - 1_000)),
        Arguments.of(
            "log-normal median 2ms",
            (Generator) r -> (long) Math.exp(Math.log(2_000_000) + 0.8 * gaussian(r))),
        Arguments.of(
            "bimodal 50us/20ms with 0.5% outliers at 2s",
            (Generator)
                r -> {
                  double u = r.nextDouble();
                  if (u < 0.005) {
                    return 2_000_000_000L + r.nextLong(100_000_000);
                  }
                  return u < 0.7
                      ? 50_000 + r.nextLong(10_000)
                      : 20_000_000 + r.nextLong(5_000_000);
                }),
        Arguments.of("trivial calls 20..80ns", (Generator) r -> 20 + r.nextLong(60)));
  }

  interface Generator {
    long next(SplittableRandom r);
  }

  static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1 + 1e-300)) * Math.cos(2 * Math.PI * u2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distributions")
  void percentilesAreWithinTheStatedRelativeError(String name, Generator gen) {
    SplittableRandom random = new SplittableRandom(name.hashCode());
    long[] values = new long[N];
    OperationRecorder recorder = new OperationRecorder(1, name);
    Histogram hdr = new Histogram(2);
    long sum = 0;
    for (int i = 0; i < N; i++) {
      long v = gen.next(random);
      values[i] = v;
      sum += v;
      recorder.record(v, false);
      hdr.recordValue(v);
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);

    StatsReader reader = new StatsReader(recorder);
    Distribution d =
        reader.read().cumulative();

    assertThat(d.count()).isEqualTo(N);
    assertThat(d.sumNanos()).isEqualTo(sum);
    assertThat(d.minNanos()).isEqualTo(sorted[0]);
    assertThat(d.maxNanos()).isEqualTo(sorted[N - 1]);
    for (int k = 0; k < Distribution.PERCENTILES.length; k++) {
      double p = Distribution.PERCENTILES[k];
      long exact = sorted[(int) Math.ceil(p * N) - 1];
      double ours = d.percentiles()[k];
      assertThat(Math.abs(ours - exact) / exact)
          .as("%s p%s: ours %s exact %s", name, p * 100, ours, exact)
          .isLessThanOrEqualTo(Buckets.RELATIVE_ERROR);
      double theirs = hdr.getValueAtPercentile(p * 100);
      // At least as accurate as HdrHistogram with 2 significant digits (plus one bucket of slack).
      assertThat(Math.abs(ours - exact))
          .isLessThanOrEqualTo(Math.abs(theirs - exact) + Buckets.RELATIVE_ERROR * exact);
    }
  }

  @Test
  void intervalFiguresAreTheDifferenceBetweenTwoReads() {
    OperationRecorder recorder = new OperationRecorder(1, "op");
    StatsReader reader = new StatsReader(recorder);
    for (int i = 0; i < 100; i++) {
      recorder.record(1_000, i < 10);
    }
    StatsReader.Reading first = reader.read();
    assertThat(first.interval().count()).isEqualTo(100);
    assertThat(first.interval().errors()).isEqualTo(10);
    for (int i = 0; i < 50; i++) {
      recorder.record(5_000_000, i < 5);
    }
    StatsReader.Reading second = reader.read();
    assertThat(second.cumulative().count()).isEqualTo(150);
    assertThat(second.cumulative().errors()).isEqualTo(15);
    assertThat(second.interval().count()).isEqualTo(50);
    assertThat(second.interval().errors()).isEqualTo(5);
    assertThat(second.interval().sumNanos()).isEqualTo(250_000_000L);
    assertThat(second.interval().percentiles()[0])
        .isCloseTo(5_000_000, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(second.interval().minNanos()).isGreaterThan(4_900_000);
    StatsReader.Reading third = reader.read();
    assertThat(third.interval().count()).isZero();
    assertThat(third.cumulative().count()).isEqualTo(150);
  }

  @Test
  void emptyDistributionIsAllZero() {
    Distribution d = Distribution.of(new long[Buckets.BUCKETS], 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
    assertThat(d.count()).isZero();
    assertThat(d.avgNanos()).isZero();
    assertThat(d.percentiles()).containsOnly(0.0);
  }

  @Test
  void arbitraryPercentilesAreWithinTheBucketErrorOfTheExactValue() {
    OperationRecorder recorder = new OperationRecorder(1, "op");
    int n = 10_000;
    for (int i = 1; i <= n; i++) {
      recorder.record(i * 1_000L, false); // 1us .. 10ms, uniform
    }
    double[] extra = {0.75, 0.97, 0.5};
    StatsReader reader = new StatsReader(recorder);
    StatsReader.Reading r =
        reader.read(extra);
    for (Distribution d : new Distribution[] {r.cumulative(), r.interval()}) {
      for (double p : new double[] {0.75, 0.97, 0.5, 0.99}) {
        long exact = (long) Math.ceil(p * n) * 1_000L;
        assertThat(Math.abs(d.percentile(p) - exact) / exact)
            .as("p%s", p * 100)
            .isLessThanOrEqualTo(Buckets.RELATIVE_ERROR);
      }
      assertThat(d.percentile(0.42)).as("not requested").isNaN();
    }
    assertThat(Distribution.isStandard(0.95)).isTrue();
    assertThat(Distribution.isStandard(0.97)).isFalse();
  }

  /**
   * The page-skipping computation (one pass, whole pages skipped by their totals) gives exactly
   * what a scan of every bucket per percentile gives ({@link Distribution#valueAt}), for random
   * histograms over random sets of pages, with extra percentiles in any order.
   */
  @Test
  void percentilesSkippingWholePagesEqualAFullScanOfEveryBucket() {
    SplittableRandom random = new SplittableRandom(2026);
    double[] extra = {0.97, 0.25, 0.999, 0.5};
    for (int trial = 0; trial < 2_000; trial++) {
      long[] counts = new long[Buckets.BUCKETS];
      int pages = 1 + random.nextInt(6);
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int k = 0; k < pages; k++) {
        int page = random.nextInt(Buckets.PAGES);
        int filled = 1 + random.nextInt(trial % 3 == 0 ? 3 : 64);
        for (int j = 0; j < filled; j++) {
          int bucket = page * Buckets.SUB_BUCKETS + random.nextInt(Buckets.SUB_BUCKETS);
          counts[bucket] += 1 + random.nextInt(trial % 2 == 0 ? 3 : 1_000);
          min = Math.min(min, Buckets.lowerBound(bucket));
          max = Math.max(max, Buckets.lowerBound(bucket) + Buckets.width(bucket) - 1);
        }
      }
      long total = Arrays.stream(counts).sum();
      Distribution d = Distribution.of(counts, 3, 12345, min, max, extra);
      assertThat(d.count()).isEqualTo(total);
      for (int k = 0; k < Distribution.PERCENTILES.length; k++) {
        assertThat(d.percentiles()[k])
            .as("trial %d p%s", trial, Distribution.PERCENTILES[k])
            .isEqualTo(Distribution.valueAt(counts, total, Distribution.PERCENTILES[k], d.minNanos(), d.maxNanos()));
      }
      for (double q : extra) {
        assertThat(d.percentile(q))
            .as("trial %d extra p%s", trial, q)
            .isEqualTo(Distribution.valueAt(counts, total, q, d.minNanos(), d.maxNanos()));
      }
    }
  }

  /** The reader's interval figures over many reads equal those of a fresh full computation. */
  @Test
  void repeatedReadsGiveTheSameFiguresAsAFreshReaderAndLeaveTheBuffersZero() {
    OperationRecorder recorder = new OperationRecorder(1, "op");
    StatsReader reader = new StatsReader(recorder);
    StatsReader.Buffers buffers = new StatsReader.Buffers();
    SplittableRandom random = new SplittableRandom(5);
    long[] all = new long[Buckets.BUCKETS];
    double[] extra = {0.75};
    for (int round = 0; round < 600; round++) {
      long[] interval = new long[Buckets.BUCKETS];
      // Mostly a few calls (the percentiles stay in their buckets and are moved, not searched
      // again), sometimes none, sometimes a burst from a shifted distribution that moves them.
      int calls =
          round % 4 == 3 ? 0 : round % 37 == 5 ? 500 + random.nextInt(3_000) : 1 + random.nextInt(20);
      double shift = round % 37 == 5 ? random.nextDouble() * 10 : 0;
      for (int c = 0; c < calls; c++) {
        long v = (long) Math.exp(2 + shift + random.nextDouble() * (round < 300 ? 18 : 6));
        recorder.record(v, false);
        interval[Buckets.index(v)]++;
        all[Buckets.index(v)]++;
      }
      StatsReader.Reading r = reader.read(buffers, extra);
      assertThat(buffers.page).containsOnly(0L);
      for (long[] page : buffers.delta) {
        assertThat(page).containsOnly(0L);
      }
      Distribution cumulative = Distribution.of(all, 0, r.cumulative().sumNanos(), r.cumulative().minNanos(), r.cumulative().maxNanos(), extra);
      assertThat(r.cumulative().count()).isEqualTo(cumulative.count());
      assertThat(r.cumulative().percentiles()).as("round %d", round).containsExactly(cumulative.percentiles());
      assertThat(r.cumulative().minNanos()).isEqualTo(cumulative.minNanos());
      assertThat(r.cumulative().maxNanos()).isEqualTo(cumulative.maxNanos());
      assertThat(r.cumulative().percentile(0.75)).isEqualTo(cumulative.percentile(0.75));
      assertThat(r.interval().count()).isEqualTo(calls);
      Distribution expected = Distribution.of(interval, 0, r.interval().sumNanos(), r.cumulative().minNanos(), r.cumulative().maxNanos(), extra);
      assertThat(r.interval().percentiles()).containsExactly(expected.percentiles());
    }
  }

  /**
   * Reads that skip the pages whose recorder total did not change, made while writers record into
   * owned lanes and the shared stripe: the interval counts add up to exactly the calls made, every
   * read has no more errors than calls, and the final figures equal a full computation.
   */
  @RepeatedTest(5)
  void readsWhileWritersRecordAddUpExactly() throws Exception {
    OperationRecorder recorder = new OperationRecorder(1, "op");
    StatsReader reader = new StatsReader(recorder);
    StatsReader.Buffers buffers = new StatsReader.Buffers();
    int threads = 12;
    int perThread = 200_000;
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> list = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final long seed = t;
      Thread th = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          recorder.record((long) Math.exp(3 + random.nextDouble() * 15), i % 9 == 0);
        }
      });
      list.add(th);
      th.start();
    }
    start.countDown();
    long calls = 0;
    long errors = 0;
    int reads = 0;
    while (list.stream().anyMatch(Thread::isAlive)) {
      StatsReader.Reading r = reader.read(buffers, NO_EXTRA);
      calls += r.interval().count();
      errors += r.interval().errors();
      assertThat(r.cumulative().count()).isEqualTo(calls);
      assertThat(r.cumulative().errors()).isLessThanOrEqualTo(r.cumulative().count());
      assertThat(r.interval().errors()).isLessThanOrEqualTo(r.interval().count());
      reads++;
    }
    for (Thread th : list) {
      th.join();
    }
    StatsReader.Reading last = reader.read(buffers, NO_EXTRA);
    calls += last.interval().count();
    errors += last.interval().errors();
    long expectedErrors = (long) threads * ((perThread + 8) / 9);
    assertThat(calls).as("after %d reads", reads).isEqualTo((long) threads * perThread);
    assertThat(last.cumulative().errors()).isEqualTo(expectedErrors);
    // An error whose call was counted in an earlier read (its bucket was read after the errors,
    // while the writers went on) comes with the next intervals that have calls.
    assertThat(errors).isLessThanOrEqualTo(expectedErrors);
    int drains = 0;
    while (errors < expectedErrors && drains++ < 1_000) {
      for (int i = 0; i < 1_000; i++) {
        recorder.record(5_000, false);
      }
      last = reader.read(buffers, NO_EXTRA);
      calls += last.interval().count();
      errors += last.interval().errors();
      assertThat(last.interval().errors()).isLessThanOrEqualTo(last.interval().count());
    }
    assertThat(calls).isEqualTo((long) threads * perThread + 1_000L * drains);
    assertThat(last.cumulative().count()).isEqualTo(calls);
    assertThat(last.cumulative().errors()).isEqualTo(expectedErrors);
    assertThat(errors).isEqualTo(expectedErrors);
    Distribution fresh = new StatsReader(recorder).read().cumulative();
    assertThat(last.cumulative().percentiles()).containsExactly(fresh.percentiles());
    assertThat(buffers.page).containsOnly(0L);
  }

  private static final double[] NO_EXTRA = new double[0];

}
