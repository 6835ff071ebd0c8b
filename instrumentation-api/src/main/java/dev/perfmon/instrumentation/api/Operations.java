package dev.perfmon.instrumentation.api;

/**
 * The agent's operation registry. Thread-safe. Names map to ids once and for all; the ids index
 * {@code dev.perfmon.bootstrap.Recorders}.
 */
public interface Operations {
  /** Name of the overflow operation that counts calls beyond {@code max-operations}. */
  String OVERFLOW = "other";

  /**
   * The id of the operation called {@code name}, registering it on first use. When the cap is
   * reached, returns the id of {@link #OVERFLOW} (and the agent logs one warning). Cost of a known
   * name: one concurrent hash-map look-up.
   */
  int idOf(String name);

  /**
   * Attaches descriptive metadata to an operation (e.g. {@code kind=servlet}, {@code route=...}):
   * shown in snapshots and slow-operation reports. Values must never contain user data (no query
   * strings, no SQL literals).
   */
  void describe(int id, String key, String value);
}
