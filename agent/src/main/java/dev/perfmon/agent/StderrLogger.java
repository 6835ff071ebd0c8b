package dev.perfmon.agent;

import java.io.PrintStream;
import java.util.TimeZone;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The agent's logger: SLF4J's {@code Logger} interface (what the agent and its instrumentation
 * modules call), writing each line itself to the standard error stream as {@code yyyy-MM-dd
 * HH:mm:ss.SSS [LEVEL] <name> - <message>} in the JVM's default time zone, followed by the stack
 * trace of a throwable if one is given. Messages are formatted by SLF4J's {@link MessageFormatter}
 * ({@code {}} placeholders).
 *
 * <p>No SLF4J provider is involved. slf4j-simple, used before, built a {@code SimpleDateFormat} for
 * its timestamps when it was initialised (at the first line, in every JVM: the start-up line):
 * about 2 MB of allocation and a few hundred locale classes, most of a hello-world's final
 * seconds. The timestamp here is computed from the epoch time and the default zone's offset (about
 * 0.2 MB the first time, for the zone rules). And no provider means no look-up that could follow
 * the host's {@code -Dslf4j.provider} (a property name shading cannot change).
 *
 * <p>Level checks use the configured {@code log.level} and cost nothing else. Thread-safe: a line
 * (and its stack trace) is written under the stream's lock, so lines of different threads do not
 * interleave. {@code System.err} is read at each line, so a redirected stream is followed.
 */
final class StderrLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  private final int threshold;

  StderrLogger(String name, String level) {
    this.name = name;
    this.threshold = toLevel(level).toInt();
  }

  static Level toLevel(String level) {
    return switch (level) {
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "debug" -> Level.DEBUG;
      case "trace" -> Level.TRACE;
      default -> Level.INFO;
    };
  }

  private boolean enabled(Level level) {
    return level.toInt() >= threshold;
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  @SuppressForbidden // stderr is where the agent's log lines go (documented, and tested)
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    FormattingTuple formatted = MessageFormatter.arrayFormat(messagePattern, arguments, throwable);
    Throwable t = formatted.getThrowable();
    String line = line(System.currentTimeMillis(), level, name, formatted.getMessage());
    PrintStream err = System.err;
    synchronized (err) {
      err.println(line);
      if (t != null) {
        t.printStackTrace(err);
      }
      err.flush();
    }
  }

  /** One line without its end: {@code yyyy-MM-dd HH:mm:ss.SSS [LEVEL] name - message}. */
  static String line(long epochMillis, Level level, String name, String message) {
    StringBuilder b = new StringBuilder(48 + name.length() + (message == null ? 4 : message.length()));
    timestamp(b, epochMillis + TimeZone.getDefault().getOffset(epochMillis));
    return b.append(" [").append(level.name()).append("] ").append(name).append(" - ").append(message).toString();
  }

  /** {@code yyyy-MM-dd HH:mm:ss.SSS} of {@code localMillis} (milliseconds of local time since the epoch). */
  static void timestamp(StringBuilder b, long localMillis) {
    long days = Math.floorDiv(localMillis, 86_400_000L);
    long ms = Math.floorMod(localMillis, 86_400_000L);
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    b.append(year).append('-');
    two(b, month).append('-');
    two(b, day).append(' ');
    two(b, ms / 3_600_000).append(':');
    two(b, ms / 60_000 % 60).append(':');
    two(b, ms / 1000 % 60).append('.');
    long milli = ms % 1000;
    if (milli < 100) {
      b.append('0');
    }
    two(b, milli);
  }

  private static StringBuilder two(StringBuilder b, long v) {
    if (v < 10) {
      b.append('0');
    }
    return b.append(v);
  }
}
