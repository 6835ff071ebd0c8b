package dev.perfmon.agent;

import dev.perfmon.agent.events.Reactions;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigLoader;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.helpers.NOPLogger;

/**
 * A synthetic load for measuring what one snapshot costs the snapshot thread with many operations:
 * {@code operations} registered operations whose recorders hold calls, a {@link Monitor} with
 * memory readings, a status-counter source and {@link Reactions} with a latency budget matching
 * every operation (as the agent runs them), writing to an output that keeps only the last line.
 *
 * <p>Used by the benchmarks module ({@code SnapshotScaleBenchmark}), which loads this class from
 * the agent jar and drives it through JDK interfaces only (the jar's Jackson and SLF4J are
 * relocated): {@link #run()} records one interval's calls, {@link #get()} writes one snapshot and
 * returns its line. Not used by the agent itself. Not thread-safe.
 *
 * <p>Operation {@code i} is named like a service method ({@code
 * com.example.service.Service<i/20>#method<i>}); its durations are log-normal around a median
 * between 50 µs and 50 ms (a factor e either way), so each operation's histogram spans about six
 * powers of two, as a real endpoint's or query's does. Every fourth operation has servlet-like
 * status counters. Fixed seed: the same arguments give the same calls.
 */
public final class SnapshotWorkload implements Supplier<byte[]>, Runnable {
  private static final byte[] SNAPSHOT_PREFIX =
      "{\"type\":\"snapshot\"".getBytes(StandardCharsets.UTF_8);
  private final OperationRecorder[] recorders;
  private final double[] medians;
  private final int callsPerInterval;
  private final SplittableRandom random;
  private final Monitor monitor;
  private final Reactions reactions;
  private final long[] status;
  private byte[] last;

  /**
   * @param operations operations to register (each gets {@code callsPerInterval} calls at once)
   * @param callsPerInterval calls recorded into every operation by each {@link #run()}
   * @param seed seed of the durations
   */
  public SnapshotWorkload(int operations, int callsPerInterval, long seed) {
    this.callsPerInterval = callsPerInterval;
    this.random = new SplittableRandom(seed);
    OperationRegistry registry = new OperationRegistry(operations + 1, name -> {});
    recorders = new OperationRecorder[operations];
    medians = new double[operations];
    status = new long[operations];
    for (int i = 0; i < operations; i++) {
      String name = "com.example.service.Service" + (i / 20) + "#method" + i;
      registry.idOf(name);
      recorders[i] = registry.find(name);
      medians[i] = Math.log(50_000) + (i % 97) / 96.0 * Math.log(1000);
    }
    Output keepLast =
        new Output() {
          @Override
          public void write(byte[] line) {
            if (line.length > SNAPSHOT_PREFIX.length
                && Arrays.equals(line, 0, SNAPSHOT_PREFIX.length, SNAPSHOT_PREFIX, 0, SNAPSHOT_PREFIX.length)) {
              last = line; // not the slow-call lines the events thread writes
            }
          }

          @Override
          public String describe() {
            return "workload";
          }

          @Override
          public void close() {}
        };
    Monitor.CounterSource counters =
        (id, sink) -> {
          int i = id - 1;
          if (i >= 0 && i < status.length && i % 4 == 0) {
            sink.accept("status2xx", status[i]);
            sink.accept("status3xx", 0);
            sink.accept("status4xx", status[i] / 10);
            sink.accept("status5xx", 0);
          }
        };
    monitor =
        new Monitor(
            registry,
            List.of(keepLast),
            Duration.ofHours(1),
            List.of(counters),
            true,
            false,
            NOPLogger.NOP_LOGGER);
    AgentConfig config =
        ConfigLoader.load(
            "budget.com.example.service.*=20ms,handlers=none", Map.of(), Map.of(), null);
    reactions = Reactions.start(config, registry, monitor, NOPLogger.NOP_LOGGER);
    run();
  }

  /** Records one interval's calls: {@code callsPerInterval} into every operation, 1 in 50 failing. */
  @Override
  public void run() {
    for (int i = 0; i < recorders.length; i++) {
      for (int c = 0; c < callsPerInterval; c++) {
        recorders[i].record((long) Math.exp(medians[i] + random.nextGaussian()), c % 50 == 49);
      }
      status[i] += callsPerInterval;
    }
  }

  /** Computes and writes one snapshot; returns its line. */
  @Override
  public byte[] get() {
    monitor.writeSnapshot();
    return last;
  }

  /** Stops the reactions' thread and the monitor. */
  public void close() {
    monitor.close();
    reactions.close();
  }
}
