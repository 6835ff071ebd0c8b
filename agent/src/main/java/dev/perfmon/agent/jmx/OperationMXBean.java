package dev.perfmon.agent.jmx;

/**
 * One operation's figures for JVM tools (JConsole, VisualVM, {@code jcmd}, JMX exporters), as
 * {@code dev.perfmon:type=Operation,name="<operation>"}. Durations are milliseconds. The figures
 * are those of {@code /stats} (cumulative since the agent started, or since the last snapshot
 * under {@code reset=interval}), read on request at most once a second.
 */
public interface OperationMXBean {
  /** The operation's name. */
  String getName();

  /** Calls, timed or only counted (sampling). */
  long getCount();

  /** Calls that ended with an exception (or an HTTP 5xx). */
  long getErrors();

  double getAverageMillis();

  double getMinMillis();

  double getMaxMillis();

  double getP50Millis();

  double getP90Millis();

  double getP95Millis();

  double getP99Millis();

  double getP999Millis();

  /** Calls since the last periodic snapshot. */
  long getIntervalCount();
}
