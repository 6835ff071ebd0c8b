package dev.perfmon.api;

import java.util.Map;

/**
 * Where every recording of this API goes: the single internal seam between the public API and
 * whatever keeps the figures. The default is {@link NoopBackend}; an agent installs its own through
 * {@link PerfMon#backend} (see docs/api.md). Only JDK types cross it, so an implementation can be a
 * small bridge class defined in the API's own class loader that forwards to the agent.
 *
 * <p>Contract for implementations: no method throws (an implementation suppresses its own
 * failures, so that the application's work always runs and returns unchanged), {@link #record} is
 * lock- and allocation-free, and names are full names ({@code api.users.list}).
 */
interface Backend {
  /**
   * Returns the id under which {@code name} is recorded. Called once per {@link Operation} and
   * backend, and once per call on the by-name path; a bounded backend maps names past its limit to
   * an overflow id.
   */
  int register(String name);

  /**
   * Records one call of the operation {@code id}.
   *
   * @param nanos the call's duration, never negative
   * @param error whether the call ended with an exception
   * @param metadataOrNull the caller's metadata, or null; not copied, so a backend that keeps it
   *     (a slow event) copies it then
   */
  void record(int id, long nanos, boolean error, Map<String, ?> metadataOrNull);

  /** The figures of the operation named {@code name}, or null when it has none. */
  OperationStats stats(String name);

  /**
   * The figures of every operation whose name starts with {@code prefix} ({@code ""} for all,
   * otherwise a prefix ending with {@code '.'}), keyed by full name; an unmodifiable map.
   */
  Map<String, OperationStats> statsUnder(String prefix);

  /** Resets the figures of every operation whose name starts with {@code prefix} ({@code ""}: all). */
  void clear(String prefix);
}
