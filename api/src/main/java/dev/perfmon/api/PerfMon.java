package dev.perfmon.api;

/**
 * Entry point of the perfmon API: {@code PerfMon.monitor()} returns the JVM-wide {@link
 * PerformanceMonitor}.
 *
 * <p>Without the perfmon agent every call is a cheap pass-through: the work runs and returns its
 * result or throws its exception, timers measure, and nothing is recorded or kept ({@code
 * getStats} returns null or an empty map). With the agent the same calls feed the agent's
 * recorders. See docs/api.md.
 */
public final class PerfMon {
  /**
   * The backend every recording goes through; {@link NoopBackend#INSTANCE} until an agent installs
   * its own. Each class loader that loads this API has its own copy of this field, which is why the
   * agent binds every copy it sees (docs/api.md). Read once per call; never null.
   */
  static volatile Backend backend = NoopBackend.INSTANCE;

  private static final PerformanceMonitor MONITOR = new ScopedMonitor("");

  private PerfMon() {}

  /** The JVM-wide monitor (per copy of this API jar; with the agent, all copies feed the agent). */
  public static PerformanceMonitor monitor() {
    return MONITOR;
  }

  /** Rejects a null or blank name with a message naming the argument. */
  static String checkName(String value, String argument) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          argument + " must be a non-blank string, got " + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }
}
