package dev.perfmon.benchmarks;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The snapshot thread's read of every operation: {@link OperationRecorder#readInto} for 1,000
 * operations into a reused buffer, as the agent's reader does (clear, read, then derive figures),
 * against HdrHistogram's interval read ({@link Recorder#getIntervalHistogram(Histogram)} with a
 * recycled histogram) for the same number of recorders.
 *
 * <p>Each operation has 200 calls recorded at setup, by the benchmark thread itself (so its lane
 * stays live), spread over 20 ns .. 10 ms: about 20 histogram pages per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnapshotBenchmark {
  @Param("1000")
  int operations;

  private OperationRecorder[] recorders;
  private Recorder[] hdr;
  private Histogram[] recycled;
  private final long[] counts = new long[Buckets.BUCKETS];
  private final long[] totals = new long[4];

  @Setup
  public void setUp() {
    recorders = new OperationRecorder[operations];
    hdr = new Recorder[operations];
    recycled = new Histogram[operations];
    SplittableRandom random = new SplittableRandom(7);
    for (int op = 0; op < operations; op++) {
      recorders[op] = new OperationRecorder(op, "op" + op);
      hdr[op] = new Recorder(2);
      long[] d = RecorderBenchmark.durations(random);
      for (int i = 0; i < 200; i++) {
        recorders[op].record(d[i], i % 50 == 0);
        hdr[op].recordValue(d[i]);
      }
      recycled[op] = hdr[op].getIntervalHistogram();
      hdr[op].recordValue(d[0]);
    }
  }

  @Benchmark
  public long operationRecorderReadAll() {
    long calls = 0;
    for (OperationRecorder r : recorders) {
      Arrays.fill(counts, 0);
      totals[0] = 0;
      totals[1] = 0;
      totals[2] = Long.MAX_VALUE;
      totals[3] = Long.MIN_VALUE;
      r.readInto(counts, totals);
      calls += totals[1];
    }
    return calls;
  }

  @Benchmark
  public void hdrIntervalReadAll(Blackhole bh) {
    for (int op = 0; op < hdr.length; op++) {
      recycled[op] = hdr[op].getIntervalHistogram(recycled[op]);
      bh.consume(recycled[op].getTotalCount());
    }
  }
}
