package dev.perfmon.agent.jmx;

import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.Snapshot;
import java.util.List;

/**
 * An {@link OperationMXBean} that reads its operation through {@link LiveStats} when an attribute
 * is asked for and the last reading is older than a second (JConsole asks for every attribute at
 * once: one reading serves them all). Thread-safe.
 */
final class OperationBean implements OperationMXBean {
  private static final long MAX_AGE_NANOS = 1_000_000_000L;
  private static final Distribution NONE = new Distribution(0, 0, 0, 0, 0, new double[5]);

  private final String name;
  private final LiveStats live;
  private Distribution cumulative = NONE;
  private long intervalCount;
  private long readAt;
  private boolean read;

  OperationBean(String name, LiveStats live) {
    this.name = name;
    this.live = live;
  }

  private synchronized Distribution d() {
    long now = System.nanoTime();
    if (!read || now - readAt > MAX_AGE_NANOS) {
      List<Snapshot.Operation> ops = live.read(LiveStats.operation(name)).snapshot().operations();
      if (ops.isEmpty()) {
        cumulative = NONE;
        intervalCount = 0;
      } else {
        cumulative = ops.get(0).cumulative();
        intervalCount = ops.get(0).interval().count();
      }
      readAt = now;
      read = true;
    }
    return cumulative;
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public long getCount() {
    return d().count();
  }

  @Override
  public long getErrors() {
    return d().errors();
  }

  @Override
  public double getAverageMillis() {
    return ms(d().avgNanos());
  }

  @Override
  public double getMinMillis() {
    return ms((double) d().minNanos());
  }

  @Override
  public double getMaxMillis() {
    return ms((double) d().maxNanos());
  }

  @Override
  public double getP50Millis() {
    return ms(d().percentile(0.50));
  }

  @Override
  public double getP90Millis() {
    return ms(d().percentile(0.90));
  }

  @Override
  public double getP95Millis() {
    return ms(d().percentile(0.95));
  }

  @Override
  public double getP99Millis() {
    return ms(d().percentile(0.99));
  }

  @Override
  public double getP999Millis() {
    return ms(d().percentile(0.999));
  }

  @Override
  public synchronized long getIntervalCount() {
    d();
    return intervalCount;
  }
}
