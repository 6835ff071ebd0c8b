package example.weave;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Classes for the methods instrumentation's class-file test, outside the agent's packages (which
 * are never instrumented).
 */
public final class MatchSamples {
  private MatchSamples() {}

  @Retention(RetentionPolicy.RUNTIME)
  public @interface Tracked {
    String value() default "";
  }

  @Retention(RetentionPolicy.RUNTIME)
  public @interface Component {}

  public interface Job {
    void run();
  }

  public abstract static class BaseJob implements Job {}

  public static class NightlyJob extends BaseJob {
    @Override
    public void run() {}
  }

  public static class TimerJob extends java.util.TimerTask {
    @Override
    public void run() {}
  }

  @Component
  public static class Annotated {
    void work() {}
  }

  public static class WithTrackedMethod {
    @Tracked
    void work() {}
  }

  public static class Plain {
    void work() {}
  }

  public static class PlainService {
    void work() {}
  }
}
