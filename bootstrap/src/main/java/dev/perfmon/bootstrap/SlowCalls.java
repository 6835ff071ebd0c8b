package dev.perfmon.bootstrap;

/**
 * Hand-off of calls that reached their operation's slow threshold. The agent installs a listener
 * that captures what it needs (thread, time) and queues the event for its own thread; the default
 * does nothing. Fast calls never get here: the recorder compares the duration with the threshold
 * and calls this only above it.
 */
public final class SlowCalls {
  /** Receiver of slow calls, implemented by the agent. Must not block and must not throw. */
  public interface Listener {
    void onSlow(int id, long nanos, boolean error);
  }

  private static final Listener NONE =
      new Listener() {
        @Override
        public void onSlow(int id, long nanos, boolean error) {}
      };

  private static volatile Listener listener = NONE;

  private SlowCalls() {}

  public static synchronized void setListener(Listener l) {
    listener = l == null ? NONE : l;
  }

  /**
   * Removes {@code l} if it is still the installed listener (so that closing an old agent instance
   * never removes a newer one's listener).
   *
   * @return true when it was removed
   */
  public static synchronized boolean clearListener(Listener l) {
    if (listener == l) {
      listener = NONE;
      return true;
    }
    return false;
  }

  /** True when a listener other than the no-op default is installed. */
  public static boolean active() {
    return listener != NONE;
  }

  static void report(int id, long nanos, boolean error) {
    try {
      listener.onSlow(id, nanos, error);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.OTHER, t);
    }
  }
}
