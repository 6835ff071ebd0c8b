package dev.perfmon.instrumentation.api;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Calls that the JIT compiler does not inline: the boundaries between the transformer's entry
 * points, the class-file pre-test and Byte Buddy's transformer, each of which C2 then compiles on
 * its own, once.
 *
 * <p>Why: every class an application loads runs the transformer, so its code is among the first
 * that C2 compiles, in the seconds of start-up when C2 is busiest (on a 2-core machine its thread
 * compiled for 5.3 of the large Spring Boot application's 6.9 s to its first request, without the
 * agent). Called directly, each entry point inlined the pre-test, the super-type walk and Byte
 * Buddy's transformer: 4 to 8 KB of byte code and 40 to 50 KB of machine code per compilation,
 * 100 to 300 ms of C2's time each, and the same code compiled again into each caller, and again
 * after each deoptimisation (JFR {@code jdk.Compilation}: 0.9 s of C2 time for the agent's code
 * in a start, against 0.35 s with these boundaries). The application's own methods waited for C2
 * meanwhile.
 *
 * <p>How: through a method handle held in a non-final field, which the JIT cannot treat as a
 * constant and so cannot inline through; the call costs a few nanoseconds, against the
 * microseconds of the work behind it. The handles are of JDK types only.
 */
public final class OutOfLine {
  private OutOfLine() {}

  @SuppressWarnings("FieldCanBeFinal") // final would make it a constant the JIT inlines through
  private static MethodHandle prefilter =
      virtual(
          MethodHandles.lookup(),
          AgentBuilders.Prefilter.class,
          "mayMatch",
          MethodType.methodType(boolean.class, AgentBuilder.CircularityLock.class, ClassLoader.class, byte[].class));

  @SuppressWarnings("FieldCanBeFinal") // as above
  private static MethodHandle transform =
      virtual(
          MethodHandles.lookup(),
          ClassFileTransformer.class,
          "transform",
          MethodType.methodType(
              byte[].class,
              Module.class,
              ClassLoader.class,
              String.class,
              Class.class,
              ProtectionDomain.class,
              byte[].class));

  /** {@code prefilter.mayMatch(lock, loader, classFile)}, not inlined into the caller. */
  public static boolean mayMatch(
      AgentBuilders.Prefilter prefilter, AgentBuilder.CircularityLock lock, ClassLoader loader, byte[] classFile) {
    try {
      return (boolean) OutOfLine.prefilter.invokeExact(prefilter, lock, loader, classFile);
    } catch (Throwable t) {
      return true; // the pre-test throws nothing; were it to, Byte Buddy decides
    }
  }

  /** {@code transformer.transform(module, ...)}, not inlined into the caller. */
  public static byte[] transform(
      ClassFileTransformer transformer,
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile)
      throws IllegalClassFormatException {
    try {
      return (byte[]) transform.invokeExact(transformer, module, loader, internalName, classBeingRedefined, domain, classFile);
    } catch (IllegalClassFormatException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t); // transform declares no other checked exception
    }
  }

  /**
   * A handle on a method that {@code lookup} can see (the caller's own lookup, for a method of a
   * private class), for such a boundary; fails at class initialisation when there is none.
   */
  static MethodHandle virtual(MethodHandles.Lookup lookup, Class<?> owner, String name, MethodType type) {
    try {
      return lookup.findVirtual(owner, name, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
