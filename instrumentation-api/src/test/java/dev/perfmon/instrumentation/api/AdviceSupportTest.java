package dev.perfmon.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perfmon.bootstrap.AgentErrors;
import java.util.function.IntUnaryOperator;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;

/** The woven exception handler: what a failing advice leaves behind, per module. */
class AdviceSupportTest {
  /** The instrumented class: its result must not change when the advice fails. */
  public static class Target implements IntUnaryOperator {
    @Override
    public int applyAsInt(int x) {
      return x * 2 + 1;
    }
  }

  /** An advice that always fails, on exit. */
  public static class FailingAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    @SuppressWarnings("DoNotCallSuggester") // woven, never called: failing is its whole purpose
    static void exit() {
      throw new IllegalStateException("advice failed on purpose");
    }
  }

  private static IntUnaryOperator woven(int module) throws Exception {
    Class<? extends IntUnaryOperator> type =
        new ByteBuddy()
            .redefine(Target.class)
            .visit(
                Advice.to(FailingAdvice.class)
                    .withExceptionHandler(AdviceSupport.exceptionHandler(module))
                    .on(named("applyAsInt")))
            .make()
            .load(new ClassLoader(AdviceSupportTest.class.getClassLoader()) {}, ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded();
    return type.getDeclaredConstructor().newInstance();
  }

  @Test
  void countsTheFailureForItsModuleAndKeepsTheThrowable() throws Exception {
    IntUnaryOperator op = woven(AgentErrors.JDBC);
    Throwable[] into = new Throwable[AgentErrors.RING_SIZE];
    AgentErrors.drain(AgentErrors.JDBC, into);
    long jdbc = AgentErrors.suppressedCount(AgentErrors.JDBC);
    long servlet = AgentErrors.suppressedCount(AgentErrors.SERVLET);

    for (int i = 0; i < 3; i++) {
      assertThat(op.applyAsInt(20)).as("the method's result").isEqualTo(41);
    }

    assertThat(AgentErrors.suppressedCount(AgentErrors.JDBC)).isEqualTo(jdbc + 3);
    assertThat(AgentErrors.suppressedCount(AgentErrors.SERVLET)).isEqualTo(servlet);
    java.util.Arrays.fill(into, null);
    int n = AgentErrors.drain(AgentErrors.JDBC, into);
    assertThat(n).isEqualTo(3);
    assertThat(into[0]).isInstanceOf(IllegalStateException.class).hasMessage("advice failed on purpose");
  }

  @Test
  void theRingIndexStaysInTheModulesSlots() throws Exception {
    IntUnaryOperator op = woven(AgentErrors.OTHER);
    for (int i = 0; i < AgentErrors.RING_SIZE * 2 + 3; i++) {
      assertThat(op.applyAsInt(i)).isEqualTo(i * 2 + 1);
    }
    Throwable[] into = new Throwable[AgentErrors.RING_SIZE];
    assertThat(AgentErrors.drain(AgentErrors.OTHER, into)).isEqualTo(AgentErrors.RING_SIZE);
    assertThat(AgentErrors.drain(AgentErrors.API, into)).as("the neighbouring module's slots").isZero();
  }

  @Test
  void refusesAModuleThatDoesNotExist() {
    assertThatThrownBy(() -> AdviceSupport.exceptionHandler(AgentErrors.MODULES)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AdviceSupport.exceptionHandler(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
