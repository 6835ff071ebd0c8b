package dev.perfmon.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A running timer from {@link PerformanceMonitor#startTimer()} (unnamed: measures, records
 * nothing) or {@link PerformanceMonitor#startTimer(String)} (named: records its duration once).
 * Durations are in milliseconds, measured with {@link System#nanoTime()}, never negative.
 * Thread-safe: of concurrent {@link #stop()} calls exactly one records.
 */
public final class Timer {
  private static final long RUNNING = -1L;
  private static final VarHandle STOPPED;

  static {
    try {
      STOPPED = MethodHandles.lookup().findVarHandle(Timer.class, "stopped", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Operation operation;
  private final long start;

  private volatile long stopped = RUNNING;

  Timer(Operation operationOrNull) {
    this.operation = operationOrNull;
    this.start = System.nanoTime();
  }

  /**
   * Milliseconds since the timer started, without stopping it; once stopped, the duration {@link
   * #stop()} returned.
   */
  public double elapsed() {
    long s = stopped;
    return Calls.millis(s == RUNNING ? Calls.since(start) : s);
  }

  /**
   * Stops the timer and returns its duration in milliseconds. The first call of a named timer records
   * the duration as a successful call; later calls record nothing and return the same duration.
   */
  public double stop() {
    long nanos = Calls.since(start);
    if (STOPPED.compareAndSet(this, RUNNING, nanos)) {
      if (operation != null) {
        operation.record(nanos, false);
      }
      return Calls.millis(nanos);
    }
    return Calls.millis(stopped);
  }

  /** The name it records under, or null for an unnamed timer. */
  public String name() {
    return operation == null ? null : operation.name();
  }
}
