package dev.perfmon.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One whole snapshot at scale: figures of every operation, memory reading, budget check and the
 * JSON line, as the snapshot thread computes it, for 2,000 and 10,000 operations with calls in
 * every interval (the agent's {@code SnapshotWorkload}, loaded from the agent jar given by the
 * system property {@code perfmon.agent.jar}, default {@code agent/target/perfmon-agent.jar}).
 *
 * <ul>
 *   <li>{@link #cold}: the first snapshot of a fresh JVM (single shot, one per fork): the
 *       interpreter, class loading and JIT compilation included, as the agent's first snapshot
 *       after start-up pays them.
 *   <li>{@link #warm}: a snapshot after many earlier ones (single shots after a warm-up), each with
 *       3 new calls per operation recorded before it (not timed).
 * </ul>
 *
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar --only snapscale [--jvm /path/to/java]
 * </pre>
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@BenchmarkMode(Mode.SingleShotTime)
public class SnapshotScaleBenchmark {
  @Param({"2000", "10000"})
  int operations;

  private Supplier<byte[]> snapshot;
  private Runnable interval;
  private long cpuNanos;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void load() throws Exception {
    Path jar = Path.of(System.getProperty("perfmon.agent.jar", "agent/target/perfmon-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar not found: " + jar.toAbsolutePath()
          + " (build it, or pass -Dperfmon.agent.jar=...)");
    }
    // The agent's classes through the agent's own class loader (the jar keeps them apart, under
    // inst/), whose parent here is this class's loader: the bootstrap classes come from
    // benchmarks.jar, as they would from the boot loader under the agent.
    URLClassLoader entry = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    java.lang.reflect.Method open =
        entry.loadClass("dev.perfmon.agent.AgentClassLoader").getDeclaredMethod("open", URL.class, ClassLoader.class);
    open.setAccessible(true);
    ClassLoader loader = (ClassLoader) open.invoke(null, jar.toUri().toURL(), SnapshotScaleBenchmark.class.getClassLoader());
    Object w =
        loader
            .loadClass("dev.perfmon.agent.SnapshotWorkload")
            .getConstructor(int.class, int.class, long.class)
            .newInstance(operations, 3, 7L);
    snapshot = (Supplier<byte[]>) w;
    interval = (Runnable) w;
  }

  @Setup(Level.Iteration)
  public void calls() {
    interval.run();
  }

  @Benchmark
  @Fork(10)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public byte[] cold() {
    return timed();
  }

  @Benchmark
  @Fork(1)
  @Warmup(iterations = 60)
  @Measurement(iterations = 40)
  public byte[] warm() {
    return timed();
  }

  /** One snapshot, and the CPU time the benchmark thread spent in it (within a microsecond). */
  private byte[] timed() {
    long c0 = THREADS.getCurrentThreadCpuTime();
    byte[] line = snapshot.get();
    cpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
    return line;
  }

  /**
   * Appends each measured snapshot's CPU time to the file named by {@code perfmon.bench.cpu} (the
   * runner's CPU column): on a loaded machine the wall time mostly says how long the thread waited
   * for a processor, the CPU time what the snapshot itself cost.
   */
  @TearDown(Level.Iteration)
  public void cpu(IterationParams iteration, BenchmarkParams benchmark) throws IOException {
    String file = System.getProperty("perfmon.bench.cpu");
    if (file == null || iteration.getType() != IterationType.MEASUREMENT) {
      return;
    }
    String name = benchmark.getBenchmark();
    Files.writeString(
        Path.of(file),
        name.substring(name.lastIndexOf('.') + 1) + " " + operations + " " + cpuNanos + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
