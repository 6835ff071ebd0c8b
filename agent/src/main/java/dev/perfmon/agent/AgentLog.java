package dev.perfmon.agent;

import org.slf4j.Logger;

/**
 * The agent's own logger: SLF4J's API, shaded and relocated with the rest of the agent, so the
 * host application's SLF4J, Logback or Log4j never see our lines and we never see their
 * configuration, written by {@link StderrLogger} (no SLF4J provider). Lines go to stderr as
 * {@code <time> [LEVEL] perfmon - message}.
 */
public final class AgentLog {
  private static volatile boolean configured;
  private static volatile Logger logger;

  private AgentLog() {}

  /** Configures the logger; only the first call has an effect. */
  public static synchronized void init(String level) {
    if (configured) {
      return;
    }
    configured = true;
    logger = new StderrLogger("perfmon", level);
  }

  /** The agent's logger. */
  public static Logger get() {
    if (!configured) {
      init("info");
    }
    return logger;
  }
}
