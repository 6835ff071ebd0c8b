package dev.perfmon.agent;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that keeps "LEVEL message" lines for assertions. Thread-safe. */
public final class CapturingLogger extends LegacyAbstractLogger {
  private final List<String> lines = new ArrayList<>();

  public CapturingLogger() {
    this.name = "test";
  }

  public synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  /** The formatted messages logged at {@code level} (e.g. "WARN"), in order. */
  public synchronized List<String> at(String level) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith(level + " ")) {
        out.add(l.substring(level.length() + 1));
      }
    }
    return out;
  }

  @Override
  protected synchronized void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    lines.add(level + " " + MessageFormatter.basicArrayFormat(messagePattern, arguments));
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  public boolean isTraceEnabled() {
    return false;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }
}
