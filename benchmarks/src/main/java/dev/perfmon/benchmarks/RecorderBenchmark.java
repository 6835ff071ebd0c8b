package dev.perfmon.benchmarks;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of recording one duration, without any timing: {@link OperationRecorder#record} against
 * HdrHistogram's {@link Recorder#recordValue} (the usual choice for concurrent recording) and
 * against a plain thread-confined array increment (the floor's histogram part).
 *
 * <p>Durations cycle through 1,024 log-uniformly distributed values between 20 ns and 10 ms, so
 * that branches and cache lines see a realistic spread rather than one hot bucket.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecorderBenchmark {

  /** Id of the sampled operation installed for {@link #sampledOutCall}. */
  static final int SAMPLED_ID = 2;

  /** One operation's recorders, shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    final OperationRecorder recorder = new OperationRecorder(1, "bench");
    final OperationRecorder sampled = new OperationRecorder(SAMPLED_ID, "bench.sampled");

    {
      sampled.setSampleRate(0); // every call skipped: the cost of a call sampling leaves out
      dev.perfmon.bootstrap.Recorders.install(sampled);
    }
    /** Two significant digits: a bucket width of at most 1 %, like ours (1/64 of a power of two). */
    final Recorder hdr = new Recorder(2);
  }

  /** Per-thread durations and a thread-confined histogram. */
  @State(Scope.Thread)
  public static class Local {
    final long[] durations = durations(new SplittableRandom(Thread.currentThread().getId()));
    final long[] histogram = new long[Buckets.BUCKETS];
    int i;

    long next() {
      return durations[i++ & (durations.length - 1)];
    }
  }

  static long[] durations(SplittableRandom random) {
    long[] d = new long[1024];
    double lo = Math.log(20);
    double hi = Math.log(10_000_000);
    for (int i = 0; i < d.length; i++) {
      d[i] = (long) Math.exp(lo + random.nextDouble() * (hi - lo));
    }
    return d;
  }

  @Benchmark
  public void arrayIncrement(Local l) {
    l.histogram[Buckets.index(l.next())]++;
  }

  @Benchmark
  public void operationRecorder(Shared s, Local l) {
    s.recorder.record(l.next(), false);
  }

  /**
   * What woven code does for a call of a sampled operation that the sampler skips: the decision at
   * entry (no clock read) and the count at exit.
   */
  @Benchmark
  public void sampledOutCall(Shared s) {
    long start = dev.perfmon.bootstrap.PerfMon.sampleStart(SAMPLED_ID);
    dev.perfmon.bootstrap.PerfMon.recordSampled(SAMPLED_ID, start, null);
  }

  @Benchmark
  public void hdrRecorder(Shared s, Local l) {
    s.hdr.recordValue(l.next());
  }

  @Benchmark
  @Group("operationRecorder2")
  @GroupThreads(2)
  public void operationRecorder2(Shared s, Local l) {
    s.recorder.record(l.next(), false);
  }

  @Benchmark
  @Group("hdrRecorder2")
  @GroupThreads(2)
  public void hdrRecorder2(Shared s, Local l) {
    s.hdr.recordValue(l.next());
  }
}
