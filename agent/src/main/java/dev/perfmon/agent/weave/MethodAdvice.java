package dev.perfmon.agent.weave;

import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.instrumentation.api.OperationId;
import net.bytebuddy.asm.Advice;

/**
 * Advice woven into user-listed methods. Inlined into the application's classes: it may only use
 * JDK and bootstrap classes. The operation id is a constant bound when the class is transformed.
 * Every call is timed (nested and recursive calls of tracked methods each count), success when it
 * returns, error when it throws; the throwable propagates untouched.
 *
 * <p>No exit advice here reads an argument, so none asks Byte Buddy to keep a copy of the
 * arguments for it ({@code backupArguments = false}): the woven method does not copy its arguments
 * into new local variables on entry, and its own variables keep their slots (smaller woven code,
 * less work for the weaving).
 */
@SuppressWarnings("unused")
public final class MethodAdvice {
  private MethodAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter() {
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
  public static void exit(
      @OperationId int id, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
    PerfMon.record(id, start, thrown);
  }

  /**
   * For operations sampled with {@code sample.<glob>}: a call that the sampler skips reads no
   * clock; it is only counted (with its error, if it throws) when it ends.
   */
  @SuppressWarnings("unused")
  public static final class Sampled {
    private Sampled() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@OperationId int id) {
      return PerfMon.sampleStart(id);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    public static void exit(
        @OperationId int id, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      PerfMon.recordSampled(id, start, thrown);
    }
  }

  /**
   * Constructors cannot have exit advice that catches (the object may be uninitialised), so a
   * constructor that throws is not recorded; every constructor that completes is.
   */
  @SuppressWarnings("unused")
  public static final class ForConstructor {
    private ForConstructor() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter() {
      return System.nanoTime();
    }

    @Advice.OnMethodExit(suppress = Throwable.class, backupArguments = false)
    public static void exit(@OperationId int id, @Advice.Enter long start) {
      PerfMon.record(id, start, null);
    }
  }
}
