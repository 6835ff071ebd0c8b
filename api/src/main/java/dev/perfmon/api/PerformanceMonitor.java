package dev.perfmon.api;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Times operations by name: the JVM-wide monitor from {@link PerfMon#monitor()}, or a {@link
 * #scope(String) scope} of it. Thread-safe.
 *
 * <p><b>Without the agent</b> every call is a cheap pass-through: the work runs and returns its
 * result or throws its exception, timers measure, nothing is recorded or kept, {@link
 * #getStats(String)} returns null and {@link #getStats()} an empty map. <b>With the agent</b> the
 * same calls are recorded beside the agent's own operations.
 *
 * <p><b>Names.</b> Every {@code name} and {@code prefix} argument must be a non-blank string;
 * null or blank throws {@link IllegalArgumentException} naming the argument. Names are kept by the
 * agent (bounded by {@code max-operations}, past which they go to the overflow operation): never
 * build them from user input (ids, URLs, queries).
 *
 * <p><b>Exceptions.</b> An exception thrown by the work counts as an error and is rethrown
 * unchanged, the same instance, checked ones included and never wrapped: {@code
 * trackOperation(name, Callable)} does not declare {@code throws Exception}, so call sites need no
 * {@code try}; a caller that wants to catch a checked exception the callable throws declares it
 * (or catches {@code Exception}), as the compiler cannot see it through {@link Callable}.
 *
 * <p><b>Metadata</b> travels with the one call to the agent's slow events and handlers, never into
 * the aggregated figures; the map is not copied on the call (the agent copies it only when it keeps
 * an event), so do not change it while the call runs. It may be null.
 *
 * <p>For hot code prefer an {@link #operation(String) Operation} handle: this interface resolves the
 * name on every call when the agent is present.
 */
public interface PerformanceMonitor {
  /** Runs {@code work}, timing it as the operation {@code name}; returns its result. */
  <T> T trackOperation(String name, Callable<T> work);

  /** As {@link #trackOperation(String, Callable)}, with metadata for slow events and handlers. */
  <T> T trackOperation(String name, Callable<T> work, Map<String, ?> metadata);

  /** Runs {@code work}, timing it as the operation {@code name}. */
  void trackOperation(String name, Runnable work);

  /** As {@link #trackOperation(String, Runnable)}, with metadata for slow events and handlers. */
  void trackOperation(String name, Runnable work, Map<String, ?> metadata);

  /**
   * Times asynchronous work to its completion: calls {@code work} and times the stage it returns
   * until the stage completes (an exceptional completion counts as an error; an exception thrown by
   * {@code work} itself counts as an error and is rethrown unchanged). Without the agent returns the
   * work's stage itself. With the agent returns a stage that completes after the record, with the
   * same value or the same throwable; cancelling it does not cancel the work's stage. A null stage
   * is returned as is and not recorded.
   */
  <T> CompletionStage<T> trackAsync(String name, Supplier<? extends CompletionStage<T>> work);

  /** Starts a timer that measures but never records. */
  Timer startTimer();

  /** Starts a timer whose first {@link Timer#stop()} records its duration as the operation {@code name}. */
  Timer startTimer(String name);

  /** A handle on the operation {@code name} for hot code; see {@link Operation}. */
  Operation operation(String name);

  /**
   * A monitor whose operations are named {@code prefix + "." + name}; scopes nest ({@code
   * scope("api").scope("users")} names {@code list} as {@code api.users.list}). Its {@link
   * #getStats()} and {@link #clear()} cover only its own operations.
   */
  PerformanceMonitor scope(String prefix);

  /** The figures of the operation {@code name} (relative to this scope), or null when it has none. */
  OperationStats getStats(String name);

  /**
   * The figures of every operation of this monitor (a scope: only its own), keyed by full name
   * ({@code api.users.list}); an unmodifiable map, empty without the agent.
   */
  Map<String, OperationStats> getStats();

  /** Resets the figures of this monitor's operations (the whole monitor, or only the scope's). */
  void clear();
}
