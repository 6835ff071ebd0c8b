package dev.perfmon.agent.monitor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The figures "as of now", on request: what {@code getStats()} answers at any moment, for the HTTP
 * endpoint ({@code /stats}, {@code /metrics}), JMX and any other reader that asks between
 * snapshots (e.g. an in-process API's {@code getStats()} / {@code scope("api").getStats()}).
 *
 * <p>A reading has exactly the shape of a snapshot line ({@link Snapshot}, written by {@link
 * SnapshotJson#snapshot(Snapshot)}): per operation its cumulative figures and those since the last
 * periodic snapshot, plus memory and the agent's own section. Reading does <em>not</em> advance the
 * periodic snapshot's interval: the next snapshot line still covers every call since the previous
 * one, however often this is asked.
 *
 * <p>Cost: one pass over the selected operations' recorders under the monitor's lock (the lock a
 * snapshot takes, never one an application thread takes), so a reading waits for a snapshot being
 * written and vice versa; the recording path is not touched. Memory is read with this object's own
 * sampler (its CPU load covers the time since the previous reading).
 *
 * <p>Thread-safe: readings are serialised on this object.
 */
public final class LiveStats {
  private final Supplier<Monitor> monitor;
  private final boolean memoryEnabled;
  private MemorySampler memory;

  /**
   * @param monitor the current monitor (the agent replaces it on a reconfiguration), never null
   * @param memoryEnabled whether readings carry the memory section
   */
  public LiveStats(Supplier<Monitor> monitor, boolean memoryEnabled) {
    this.monitor = monitor;
    this.memoryEnabled = memoryEnabled;
  }

  /**
   * One reading.
   *
   * @param snapshot the figures, in the snapshot model (its {@code intervalMs} is the time since the
   *     last periodic snapshot)
   * @param boundsNanos the histogram bucket bounds asked for (empty when none)
   * @param histograms per listed operation, its cumulative timed calls at or below each bound, then
   *     all of its timed calls; empty when no bounds were asked for
   */
  public record Reading(
      Snapshot snapshot,
      @SuppressWarnings("ArrayRecordComponent") long[] boundsNanos,
      Map<String, long[]> histograms) {}

  /** The operations of scope {@code scope}: named {@code scope} or starting with {@code scope.}. */
  public static Predicate<String> scope(String scope) {
    String prefix = scope + ".";
    return name -> name.equals(scope) || name.startsWith(prefix);
  }

  /** The one operation named {@code name}. */
  public static Predicate<String> operation(String name) {
    return name::equals;
  }

  /** Every operation. */
  public static Predicate<String> all() {
    return name -> true;
  }

  /** The current figures of the operations {@code include} accepts. */
  public Reading read(Predicate<String> include) {
    return read(include, null);
  }

  /**
   * As {@link #read(Predicate)}, also counting each operation's timed calls into histogram buckets
   * with the upper bounds {@code boundsNanos} (ascending). A call counts under the first bound at
   * or above the midpoint of its recorder bucket, so the bucket edges are exact to within {@link
   * dev.perfmon.bootstrap.Buckets#RELATIVE_ERROR}.
   */
  public synchronized Reading read(Predicate<String> include, long[] boundsNanos) {
    MemorySampler.Reading mem = null;
    if (memoryEnabled) {
      try {
        if (memory == null) {
          memory = new MemorySampler();
        }
        mem = memory.read();
      } catch (RuntimeException | LinkageError e) {
        mem = null; // the figures still go out, without the memory section
      }
    }
    Map<String, long[]> histograms = boundsNanos == null ? Map.of() : new LinkedHashMap<>();
    long[] bounds = boundsNanos == null ? null : boundsNanos.clone();
    Snapshot s = monitor.get().peek(include, bounds, histograms, mem);
    return new Reading(
        s,
        bounds == null ? new long[0] : bounds,
        histograms.isEmpty() ? Map.of() : Collections.unmodifiableMap(histograms));
  }
}
