package dev.perfmon.agent.weave;

import dev.perfmon.instrumentation.api.ResolvedOnce;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.PerfmonDecorate;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves advice into a class of the agent's own once, in memory, on the thread that built Byte
 * Buddy's transformer in the background, right after the build: the first woven classes of the
 * application then find Byte Buddy's weaving code (its type writer, advice inliner and ASM's class
 * reader and writer, some 300 classes) loaded and run once, instead of loading and running it for
 * the first time on the application's loading thread. The result is thrown away; nothing is
 * registered, recorded or defined. Classes are named, not referenced, so that none of them is
 * loaded: they are read as class files, as the application's are.
 */
public final class WeaveWarmUp {
  private static final String TARGET = "dev.perfmon.agent.weave.WeaveWarmUp$Target";
  private static final String ADVICE = "dev.perfmon.agent.weave.WeaveWarmUp$TimingAdvice";

  private WeaveWarmUp() {}

  /**
   * Weaves once; returns the woven class file's length (never 0), for tests. Throws what Byte
   * Buddy throws: the caller ignores it (a warm-up that fails changes nothing).
   */
  public static int run() {
    ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(WeaveWarmUp.class.getClassLoader());
    TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
    TypeDescription target = pool.describe(TARGET).resolve();
    Advice advice = Advice.withCustomMapping().to(ResolvedOnce.resolvedNow(pool.describe(ADVICE).resolve()), locator);
    ByteBuddy byteBuddy =
        new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
    // The agent's decoration, as the transformer does it (PerfmonDecorate).
    return PerfmonDecorate.decorate(byteBuddy, target, locator)
        .visit(advice.on(ElementMatchers.named("run")))
        .make()
        .getBytes()
        .length;
  }

  /** The class woven: never loaded. */
  @SuppressWarnings("unused")
  static final class Target {
    private Target() {}

    int run(int n) {
      int sum = 0;
      for (int i = 0; i < n; i++) {
        sum += i;
      }
      if (sum < 0) {
        throw new IllegalStateException("overflow");
      }
      return sum;
    }
  }

  /** Advice of the shape the agent's advice has (time on entry, record on exit or throw): never loaded. */
  @SuppressWarnings("unused")
  static final class TimingAdvice {
    private TimingAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter() {
      return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long start, @Advice.Thrown Throwable thrown) {
      long elapsed = System.nanoTime() - start;
      if (elapsed < 0 || thrown instanceof Error) {
        throw new IllegalStateException("suppressed by the advice");
      }
    }
  }
}
