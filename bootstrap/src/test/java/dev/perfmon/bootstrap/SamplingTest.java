package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SamplingTest {
  private static final int ID = 4242;

  @AfterEach
  void clear() {
    Recorders.clear();
  }

  private static long[] counts(OperationRecorder r) {
    long[] buckets = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(buckets, totals);
    long timed = 0;
    for (long c : buckets) {
      timed += c;
    }
    long[] skipped = new long[2];
    r.readSkipped(skipped);
    return new long[] {timed, totals[0], skipped[0], skipped[1]};
  }

  @Test
  void everyCallIsCountedAndAboutTheRateIsTimed() throws Exception {
    OperationRecorder r = new OperationRecorder(ID, "sampled");
    r.setSampleRate(0.25);
    Recorders.install(r);
    int perThread = 100_000;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  long start = PerfMon.sampleStart(ID);
                  PerfMon.recordSampled(ID, start, i % 10 == 0 ? new IllegalStateException() : null);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    long[] c = counts(r);
    long all = 2L * perThread;
    assertThat(c[0] + c[2]).as("timed + skipped = every call").isEqualTo(all);
    assertThat(c[1] + c[3]).as("errors of timed + skipped = every error").isEqualTo(all / 10);
    // Binomial(200000, 0.25): standard deviation ~194; allow 6 of them.
    assertThat(c[0]).isBetween(50_000L - 1_200, 50_000L + 1_200);
  }

  @Test
  void rateZeroNeverReadsTheClockAndRateOneAlwaysDoes() {
    OperationRecorder r = new OperationRecorder(ID, "sampled");
    Recorders.install(r);
    r.setSampleRate(0);
    for (int i = 0; i < 1000; i++) {
      assertThat(PerfMon.sampleStart(ID)).isEqualTo(PerfMon.NOT_SAMPLED);
    }
    r.setSampleRate(1);
    for (int i = 0; i < 1000; i++) {
      assertThat(PerfMon.sampleStart(ID)).isNotEqualTo(PerfMon.NOT_SAMPLED);
    }
    assertThat(r.sampleRate()).isEqualTo(1.0);
  }

  @Test
  void skippedCountsOfTerminatedThreadsAreKept() throws Exception {
    OperationRecorder r = new OperationRecorder(ID, "sampled");
    r.setSampleRate(0);
    for (int round = 0; round < 3; round++) {
      Thread th =
          new Thread(
              () -> {
                r.record(10, false); // claims a lane
                for (int i = 0; i < 1000; i++) {
                  assertThat(r.sampleCall()).isFalse(); // rate 0: counted, never timed
                }
                r.recordSkippedError();
              });
      th.start();
      th.join();
      counts(r); // folds the dead thread's lane
    }
    long[] c = counts(r);
    assertThat(c[0]).isEqualTo(3);
    assertThat(c[2]).isEqualTo(3000);
    assertThat(c[3]).isEqualTo(3);
  }
}
