package dev.perfmon.agent;

import org.slf4j.Logger;

/**
 * The agent's own logger: slf4j-simple, shaded and relocated with the rest of the agent, so the
 * host application's SLF4J, Logback or Log4j never see our lines and we never see their
 * configuration. Lines go to stderr as {@code <time> [LEVEL] perfmon - message}.
 *
 * <p>slf4j-simple reads its settings from system properties; in the shaded jar their names are
 * relocated with the classes ({@code dev.perfmon.shaded.org.slf4j.simpleLogger.*}), so setting them
 * cannot change the host's own slf4j-simple.
 */
public final class AgentLog {
  private static final String PREFIX = "org.slf4j.simpleLogger.";
  private static volatile boolean configured;
  private static volatile Logger logger;

  private AgentLog() {}

  /** Configures the logger; only the first call has an effect (slf4j-simple reads settings once). */
  public static synchronized void init(String level) {
    if (configured) {
      return;
    }
    configured = true;
    System.setProperty(PREFIX + "logFile", "System.err");
    System.setProperty(PREFIX + "defaultLogLevel", level);
    System.setProperty(PREFIX + "showDateTime", "true");
    System.setProperty(PREFIX + "dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
    System.setProperty(PREFIX + "showThreadName", "false");
    System.setProperty(PREFIX + "levelInBrackets", "true");
    System.setProperty(PREFIX + "showLogName", "true");
    logger = new LazyLogger("perfmon", level);
  }

  /**
   * The agent's logger. SLF4J itself is initialised only when the first line is logged (see
   * {@link LazyLogger}), not in {@code premain} when there is nothing to say.
   */
  public static Logger get() {
    if (!configured) {
      init("info");
    }
    return logger;
  }
}
