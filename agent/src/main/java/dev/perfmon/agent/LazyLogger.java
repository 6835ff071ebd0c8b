package dev.perfmon.agent;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The agent's logger, which initialises SLF4J (about 30 ms of a cold JVM) only when the first line
 * is actually logged, so that a start-up with nothing to report does not pay for it in
 * {@code premain}. Level checks use the configured {@code log.level} and never initialise anything.
 *
 * <p>Thread-safe.
 */
final class LazyLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  private final int threshold;
  private transient volatile Logger delegate;

  LazyLogger(String name, String level) {
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

  private Logger delegate() {
    Logger d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          d = Provider.FACTORY.getLogger(name);
          delegate = d;
        }
      }
    }
    return d;
  }

  /**
   * slf4j-simple's logger factory, created directly rather than found by {@code LoggerFactory}.
   * {@code LoggerFactory} would search the class path for providers and, first, read the system
   * property {@code slf4j.provider}, whose name the relocation cannot change: a host application
   * started with {@code -Dslf4j.provider=...Logback...} made the agent's SLF4J try to load that
   * class and print an error with a stack trace on the application's stderr. Initialised on first
   * use only (class initialisation is lazy).
   */
  private static final class Provider {
    static final ILoggerFactory FACTORY = create();

    private static ILoggerFactory create() {
      SimpleServiceProvider provider = new SimpleServiceProvider();
      provider.initialize();
      return provider.getLoggerFactory();
    }
  }

  /** Whether SLF4J has been asked for the real logger yet (for tests). */
  boolean initialised() {
    return delegate != null;
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
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    LoggingEventBuilder b = delegate().makeLoggingEventBuilder(level).setMessage(messagePattern);
    if (arguments != null) {
      for (Object a : arguments) {
        b = b.addArgument(a);
      }
    }
    if (throwable != null) {
      b = b.setCause(throwable);
    }
    b.log();
  }
}
