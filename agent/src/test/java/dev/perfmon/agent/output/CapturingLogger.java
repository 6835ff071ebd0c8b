package dev.perfmon.agent.output;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that keeps each line's level and formatted message for assertions. */
final class CapturingLogger extends LegacyAbstractLogger {
  private final List<String[]> lines = new ArrayList<>();

  CapturingLogger() {
    this.name = "test";
  }

  /** The formatted messages logged at {@code level} (e.g. "WARN"), in order. */
  synchronized List<String> at(String level) {
    List<String> out = new ArrayList<>();
    for (String[] l : lines) {
      if (l[0].equals(level)) {
        out.add(l[1]);
      }
    }
    return out;
  }

  @Override
  protected synchronized void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    lines.add(new String[] {level.name(), MessageFormatter.basicArrayFormat(messagePattern, arguments)});
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
    return false;
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
