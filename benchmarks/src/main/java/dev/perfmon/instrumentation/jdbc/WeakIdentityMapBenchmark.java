package dev.perfmon.instrumentation.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The look-up every prepared-statement execution makes ({@code JdbcHandler.preparedExecuted}: the
 * statement's operation id from a {@link WeakIdentityMap}), by one thread and by two threads at
 * once, each executing its own statement: the lock-free map against the lock-striped map it
 * replaced ({@link LockStripedWeakIdentityMap}, every look-up locking a segment). The two threads'
 * statements are chosen in the same segment of the striped map (what two hot statements meet with
 * a chance of 1 in 32, and every statement's look-up meets when the same statement object is shared
 * by threads), among 200 other prepared statements.
 *
 * <p>Not run by {@code BenchmarkRunner}. Run it with the JDBC module's classes on the class path
 * (they are not in benchmarks.jar, which must not shadow the agent's own copy):
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar:instrumentation-jdbc/target/classes \
 *     org.openjdk.jmh.Main WeakIdentityMapBenchmark
 * </pre>
 *
 * The figure to read: {@code twoThreads / oneThread} per map. Without contention two threads take
 * as long per look-up as one; contention on the segment's lock makes each look-up slower.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WeakIdentityMapBenchmark {
  private final WeakIdentityMap<Integer> lockFree = new WeakIdentityMap<>();
  private final LockStripedWeakIdentityMap<Integer> lockStriped = new LockStripedWeakIdentityMap<>();
  private final List<Object> others = new ArrayList<>();
  private final AtomicInteger threads = new AtomicInteger();
  Object[] statements;

  @Setup
  public void prepare() {
    for (int i = 0; i < 200; i++) {
      Object o = new Object();
      others.add(o);
      lockFree.put(o, i);
      lockStriped.put(o, i);
    }
    Object first = new Object();
    Object second = new Object();
    while (LockStripedWeakIdentityMap.segmentIndex(second) != LockStripedWeakIdentityMap.segmentIndex(first)) {
      second = new Object();
    }
    statements = new Object[] {first, second};
    for (int i = 0; i < 2; i++) {
      lockFree.put(statements[i], 1000 + i);
      lockStriped.put(statements[i], 1000 + i);
    }
  }

  /** Which of the two statements this benchmark thread executes. */
  @State(Scope.Thread)
  public static class Executing {
    Object statement;

    @Setup
    public void pick(WeakIdentityMapBenchmark b) {
      statement = b.statements[b.threads.getAndIncrement() & 1];
    }
  }

  @Benchmark
  @Threads(1)
  public Integer lockFreeOneThread(Executing e) {
    return lockFree.get(e.statement);
  }

  @Benchmark
  @Threads(2)
  public Integer lockFreeTwoThreads(Executing e) {
    return lockFree.get(e.statement);
  }

  @Benchmark
  @Threads(1)
  public Integer lockStripedOneThread(Executing e) {
    return lockStriped.get(e.statement);
  }

  @Benchmark
  @Threads(2)
  public Integer lockStripedTwoThreads(Executing e) {
    return lockStriped.get(e.statement);
  }
}
