package dev.perfmon.benchmarks;

import bench.app.Target;
import dev.perfmon.bootstrap.Buckets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Per-call cost of a trivial method: untracked, tracked through the real agent, and timed by hand.
 *
 * <p>The same benchmark methods run in two kinds of fork (see {@link BenchmarkRunner}): without the
 * agent ({@link Target} untracked) and with it ({@link Target#a} and {@link Target#b} tracked as two
 * operations). {@code floor*} is only meaningful without the agent: it is the hand-written
 * equivalent of what tracking does, two {@link System#nanoTime()} reads, a subtraction and the
 * increment of a histogram bucket (same log-linear layout as the agent, {@link Buckets#index}) in
 * an array only this thread touches.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallBenchmark {
  private long x = 42;
  private final long[] histogram = new long[Buckets.BUCKETS];

  /** One thread calling {@link Target#a}. */
  @Benchmark
  public long call() {
    return Target.a(x);
  }

  /** One thread timing {@link Target#a} by hand. */
  @Benchmark
  public long floor() {
    return timed(x);
  }

  /** Two threads timing {@link Target#a} by hand, each into its own array. */
  @Benchmark
  @Group("floor2")
  @GroupThreads(2)
  public long floor2() {
    return timed(x);
  }

  /** Two threads calling the same method (the same operation when tracked). */
  @Benchmark
  @Group("same2")
  @GroupThreads(2)
  public long same2() {
    return Target.a(x);
  }

  /** Two threads calling different methods (different operations when tracked): thread one. */
  @Benchmark
  @Group("different2")
  @GroupThreads(1)
  public long differentA() {
    return Target.a(x);
  }

  /** Two threads calling different methods (different operations when tracked): thread two. */
  @Benchmark
  @Group("different2")
  @GroupThreads(1)
  public long differentB() {
    return Target.b(x);
  }

  private long timed(long v) {
    long start = System.nanoTime();
    long r = Target.a(v);
    long nanos = System.nanoTime() - start;
    histogram[Buckets.index(nanos)]++;
    return r;
  }
}
