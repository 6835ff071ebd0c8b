package dev.perfmon.benchmarks;

import bench.app.Target;
import dev.perfmon.api.Operation;
import dev.perfmon.api.PerfMon;
import dev.perfmon.api.PerformanceMonitor;
import dev.perfmon.bootstrap.Buckets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Per-call cost of the application API (perfmon-api) around a trivial block ({@link Target#b}),
 * compared with the same block untimed, timed by hand, and with method advice ({@link Target#a}).
 *
 * <p>The runner ({@code --only api}) runs these in forks without the agent (the API is then a
 * pass-through) and with it ({@code methods=bench.app.Target#a}: {@link #advice} is woven, the API
 * is bound). {@link #floor} is the hand-written equivalent of what timing does: two {@link
 * System#nanoTime()} reads, a subtraction and one histogram-bucket increment in an array only this
 * thread touches. The work passed to {@code trackOperation} is a {@link Runnable} made once, which
 * stores its result in a field, so that neither a lambda nor a boxed result is allocated per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApiBenchmark {
  static final PerformanceMonitor MONITOR = PerfMon.monitor();
  static final Operation HANDLE = MONITOR.operation("bench.api.handle");
  static final Operation HANDLE_WORK = MONITOR.operation("bench.api.handle-work");
  static final String BY_NAME = "bench.api.by-name";

  private long x = 42;
  private long sink;
  private final long[] histogram = new long[Buckets.BUCKETS];
  private final Runnable work = () -> sink = Target.b(x);

  /** The block, untimed. */
  @Benchmark
  public long plain() {
    return Target.b(x);
  }

  /** The block timed by hand (the floor). */
  @Benchmark
  public long floor() {
    long start = System.nanoTime();
    long r = Target.b(x);
    long nanos = System.nanoTime() - start;
    histogram[Buckets.index(nanos)]++;
    return r;
  }

  /** A method of the same size, woven by the agent in the tracked forks (method advice). */
  @Benchmark
  public long advice() {
    return Target.a(x);
  }

  /** {@code long t = op.start(); ...; op.stop(t)} through a handle. */
  @Benchmark
  public long handle() {
    long t = HANDLE.start();
    long r = Target.b(x);
    HANDLE.stop(t);
    return r;
  }

  /** {@code op.trackOperation(runnable)} through a handle. */
  @Benchmark
  public long handleTrack() {
    HANDLE_WORK.trackOperation(work);
    return sink;
  }

  /** {@code monitor.trackOperation(name, runnable)}: the name is looked up on every call. */
  @Benchmark
  public long byName() {
    MONITOR.trackOperation(BY_NAME, work);
    return sink;
  }
}
