package dev.perfmon.api;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A handle on one named operation, for hot code: obtain it once ({@code static final Operation
 * QUERY = PerfMon.monitor().operation("orders.query")}) and time calls through it. Its timing paths
 * ({@link #trackOperation}, {@link #start()} with {@link #stop(long)}) allocate nothing: the name is
 * resolved once per backend, not per call. Thread-safe.
 *
 * <p>Without the agent the work simply runs; with the agent each call is recorded under {@link
 * #name()}. The semantics of every method are those of the same method of {@link
 * PerformanceMonitor}.
 */
public final class Operation {
  /** The backend this handle last resolved its name with, and the id it got. */
  private static final class Binding {
    final Backend backend;
    final int id;

    Binding(Backend backend, int id) {
      this.backend = backend;
      this.id = id;
    }
  }

  private final String name;
  private volatile Binding binding;

  Operation(String name) {
    this.name = name;
  }

  /** The operation's full name (scope prefixes included). */
  public String name() {
    return name;
  }

  /**
   * The current backend with this operation's id in it, or null without the agent. Resolves the
   * name again when another backend was installed since (the agent attached late).
   */
  private Binding bind() {
    Backend b = PerfMon.backend;
    if (b == NoopBackend.INSTANCE) {
      return null;
    }
    Binding bound = binding;
    if (bound == null || bound.backend != b) {
      bound = new Binding(b, b.register(name));
      binding = bound;
    }
    return bound;
  }

  /** See {@link PerformanceMonitor#trackOperation(String, Callable)}. */
  public <T> T trackOperation(Callable<T> work) {
    return trackOperation(work, null);
  }

  /** See {@link PerformanceMonitor#trackOperation(String, Callable, Map)}. */
  public <T> T trackOperation(Callable<T> work, Map<String, ?> metadata) {
    Objects.requireNonNull(work, "work");
    Binding b = bind();
    return b == null ? Calls.passThrough(work) : Calls.call(b.backend, b.id, work, metadata);
  }

  /** See {@link PerformanceMonitor#trackOperation(String, Runnable)}. */
  public void trackOperation(Runnable work) {
    trackOperation(work, null);
  }

  /** See {@link PerformanceMonitor#trackOperation(String, Runnable, Map)}. */
  public void trackOperation(Runnable work, Map<String, ?> metadata) {
    Objects.requireNonNull(work, "work");
    Binding b = bind();
    if (b == null) {
      work.run();
    } else {
      Calls.run(b.backend, b.id, work, metadata);
    }
  }

  /** See {@link PerformanceMonitor#trackAsync(String, Supplier)}. */
  public <T> CompletionStage<T> trackAsync(Supplier<? extends CompletionStage<T>> work) {
    Objects.requireNonNull(work, "work");
    Binding b = bind();
    return b == null ? work.get() : Calls.async(b.backend, b.id, work);
  }

  /** A timer that records its duration under this operation once, at its first {@link Timer#stop()}. */
  public Timer startTimer() {
    return new Timer(this);
  }

  /**
   * The allocation-free timing path: {@code long t = op.start(); try { ... } finally {
   * op.stop(t); }}. Returns the start time in {@link System#nanoTime()} units.
   */
  public long start() {
    return System.nanoTime();
  }

  /** Records a successful call that started at {@code start} (from {@link #start()}); returns its duration in ms. */
  public double stop(long start) {
    return stop(start, false);
  }

  /** Records a call that started at {@code start}, as an error if {@code error}; returns its duration in ms. */
  public double stop(long start, boolean error) {
    long nanos = Calls.since(start);
    record(nanos, error);
    return Calls.millis(nanos);
  }

  void record(long nanos, boolean error) {
    Binding b = bind();
    if (b != null) {
      b.backend.record(b.id, nanos, error, null);
    }
  }

  @Override
  public String toString() {
    return "Operation[" + name + "]";
  }
}
