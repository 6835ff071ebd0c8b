package dev.perfmon.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntUnaryOperator;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;

/** The advice of a type instrumentation is parsed once per class loader, not once per woven class. */
class CachedAdviceTest {
  public static class Target implements IntUnaryOperator {
    @Override
    public int applyAsInt(int x) {
      return x * 2 + 1;
    }
  }

  /** Adds 100 to the result. */
  public static class AddAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) int result) {
      result += 100;
    }
  }

  private static int wovenCall(AgentBuilders.CachedAdvice advice, ClassLoader loader) throws Exception {
    Class<? extends IntUnaryOperator> type =
        advice
            .transform(new ByteBuddy().redefine(Target.class), TypeDescription.ForLoadedType.of(Target.class), loader, null, null)
            .make()
            .load(new ClassLoader(loader) {}, ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded()
            .asSubclass(IntUnaryOperator.class);
    return type.getDeclaredConstructor().newInstance().applyAsInt(1);
  }

  @Test
  void parsesTheAdviceOncePerLoader() throws Exception {
    ClassLoader here = CachedAdviceTest.class.getClassLoader();
    AgentBuilders.CachedAdvice advice =
        new AgentBuilders.CachedAdvice(
            Advice.withCustomMapping(),
            AdviceSupport.exceptionHandler(dev.perfmon.bootstrap.AgentErrors.OTHER),
            here,
            AddAdvice.class.getName(),
            named("applyAsInt"));
    assertThat(wovenCall(advice, here)).isEqualTo(103);
    assertThat(wovenCall(advice, here)).isEqualTo(103);
    assertThat(advice.parsed.sum()).as("one parse for two woven classes of one loader").isEqualTo(1);
    ClassLoader other = new ClassLoader(here) {};
    assertThat(wovenCall(advice, other)).isEqualTo(103);
    assertThat(advice.parsed.sum()).as("another loader: its own parse").isEqualTo(2);
  }
}
