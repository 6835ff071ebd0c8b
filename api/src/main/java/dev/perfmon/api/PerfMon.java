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

  static {
    // After the field above: with the agent already running (-javaagent), this copy binds itself
    // as it loads. Without it this costs one failed class look-up on the boot class path, once.
    if (agentActive()) {
      bindAgent(true);
    }
  }

  private PerfMon() {}

  /**
   * Installs the agent's backend in this copy ({@code on}) or restores the pass-through one. Called
   * by this class as it loads, and by the agent through reflection for copies loaded before it
   * attached and when it detaches (docs/api.md). Never throws.
   *
   * @return true when the requested backend is installed
   */
  static synchronized boolean bindAgent(boolean on) {
    if (!on) {
      backend = NoopBackend.INSTANCE;
      return true;
    }
    if (backend instanceof AgentBackend) {
      return true;
    }
    try {
      backend = new AgentBackend();
      return true;
    } catch (Throwable t) {
      // An agent without the API's entry points (another version): stay a pass-through.
      return false;
    }
  }

  /** The JVM-wide monitor (per copy of this API jar; with the agent, all copies feed the agent). */
  public static PerformanceMonitor monitor() {
    return MONITOR;
  }

  /**
   * True when the agent runs in this JVM: its entry points are on the boot class path and active.
   * Here and not in {@link AgentBackend}, whose initialiser must run only with the agent present.
   */
  private static boolean agentActive() {
    try {
      Class<?> hooks = Class.forName(AgentBackend.HOOKS, false, null);
      return Boolean.TRUE.equals(hooks.getMethod("active").invoke(null));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
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
