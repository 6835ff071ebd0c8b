package dev.perfmon.api;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The monitor and its scopes: a name prefix ({@code ""} or ending with {@code '.'}) and no state. */
final class ScopedMonitor implements PerformanceMonitor {
  private final String prefix;

  ScopedMonitor(String prefix) {
    this.prefix = prefix;
  }

  private String fullName(String name) {
    PerfMon.checkName(name, "name");
    return prefix.isEmpty() ? name : prefix + name;
  }

  @Override
  public <T> T trackOperation(String name, Callable<T> work) {
    return trackOperation(name, work, null);
  }

  @Override
  public <T> T trackOperation(String name, Callable<T> work, Map<String, ?> metadata) {
    PerfMon.checkName(name, "name");
    Objects.requireNonNull(work, "work");
    Backend b = PerfMon.backend;
    if (b == NoopBackend.INSTANCE) {
      return Calls.passThrough(work);
    }
    return Calls.call(b, b.register(fullName(name)), work, metadata);
  }

  @Override
  public void trackOperation(String name, Runnable work) {
    trackOperation(name, work, null);
  }

  @Override
  public void trackOperation(String name, Runnable work, Map<String, ?> metadata) {
    PerfMon.checkName(name, "name");
    Objects.requireNonNull(work, "work");
    Backend b = PerfMon.backend;
    if (b == NoopBackend.INSTANCE) {
      work.run();
    } else {
      Calls.run(b, b.register(fullName(name)), work, metadata);
    }
  }

  @Override
  public <T> CompletionStage<T> trackAsync(
      String name, Supplier<? extends CompletionStage<T>> work) {
    PerfMon.checkName(name, "name");
    Objects.requireNonNull(work, "work");
    Backend b = PerfMon.backend;
    if (b == NoopBackend.INSTANCE) {
      return work.get();
    }
    return Calls.async(b, b.register(fullName(name)), work);
  }

  @Override
  public Timer startTimer() {
    return new Timer(null);
  }

  @Override
  public Timer startTimer(String name) {
    return new Timer(operation(name));
  }

  @Override
  public Operation operation(String name) {
    return new Operation(fullName(name));
  }

  @Override
  public PerformanceMonitor scope(String prefix) {
    PerfMon.checkName(prefix, "prefix");
    return new ScopedMonitor(this.prefix + prefix + ".");
  }

  @Override
  public OperationStats getStats(String name) {
    return PerfMon.backend.stats(fullName(name));
  }

  @Override
  public Map<String, OperationStats> getStats() {
    return PerfMon.backend.statsUnder(prefix);
  }

  @Override
  public void clear() {
    PerfMon.backend.clear(prefix);
  }

  @Override
  public String toString() {
    return prefix.isEmpty() ? "PerformanceMonitor" : "PerformanceMonitor[" + prefix + "]";
  }
}
