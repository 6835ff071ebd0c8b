package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentErrorsTest {
  private static Throwable[] drainAll(int module) {
    Throwable[] into = new Throwable[AgentErrors.RING_SIZE];
    int n = AgentErrors.drain(module, into);
    return java.util.Arrays.copyOf(into, n);
  }

  @Test
  void countsPerModuleAndKeepsTheThrowablesForTheSnapshotThread() {
    drainAll(AgentErrors.API);
    drainAll(AgentErrors.OTHER);
    long api = AgentErrors.suppressedCount(AgentErrors.API);
    long other = AgentErrors.suppressedCount(AgentErrors.OTHER);
    long total = AgentErrors.suppressedCount();
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b");
    AgentErrors.adviceError(AgentErrors.API, a);
    AgentErrors.adviceError(AgentErrors.API, b);
    AgentErrors.adviceError(AgentErrors.OTHER, a);

    assertThat(AgentErrors.suppressedCount(AgentErrors.API)).isEqualTo(api + 2);
    assertThat(AgentErrors.suppressedCount(AgentErrors.OTHER)).isEqualTo(other + 1);
    assertThat(AgentErrors.suppressedCount()).isEqualTo(total + 3);
    assertThat(drainAll(AgentErrors.API)).containsExactlyInAnyOrder(a, b);
    assertThat(drainAll(AgentErrors.API)).as("taking clears the slots").isEmpty();
    assertThat(drainAll(AgentErrors.OTHER)).containsExactly(a);
    assertThat(AgentErrors.suppressedCount(AgentErrors.API)).as("counts stay").isEqualTo(api + 2);
  }

  @Test
  void theRingKeepsAtMostItsSizePerModule() {
    drainAll(AgentErrors.SERVLET);
    List<Throwable> all = new ArrayList<>();
    for (int i = 0; i < AgentErrors.RING_SIZE * 3 + 5; i++) {
      Throwable t = new IllegalStateException("t" + i);
      all.add(t);
      AgentErrors.adviceError(AgentErrors.SERVLET, t);
    }
    Throwable[] kept = drainAll(AgentErrors.SERVLET);
    assertThat(kept).hasSize(AgentErrors.RING_SIZE);
    assertThat(all.subList(all.size() - AgentErrors.RING_SIZE, all.size())).as("the latest ones").containsExactlyInAnyOrder(kept);
    assertThat(drainAll(AgentErrors.JDBC)).as("another module's slots").doesNotContainAnyElementsOf(all);
  }

  @Test
  void countsExactlyFromManyThreads() throws InterruptedException {
    long before = AgentErrors.suppressedCount(AgentErrors.METHODS);
    Throwable t = new RuntimeException("concurrent");
    Thread[] threads = new Thread[4];
    for (int i = 0; i < threads.length; i++) {
      threads[i] =
          new Thread(
              () -> {
                for (int k = 0; k < 20_000; k++) {
                  AgentErrors.adviceError(AgentErrors.METHODS, t);
                }
              });
      threads[i].start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(AgentErrors.suppressedCount(AgentErrors.METHODS)).isEqualTo(before + 80_000);
    drainAll(AgentErrors.METHODS);
  }

  @Test
  void modulesByName() {
    assertThat(AgentErrors.moduleOf("servlet")).isEqualTo(AgentErrors.SERVLET);
    assertThat(AgentErrors.moduleOf("jdbc")).isEqualTo(AgentErrors.JDBC);
    assertThat(AgentErrors.moduleOf("methods")).isEqualTo(AgentErrors.METHODS);
    assertThat(AgentErrors.moduleOf("api")).isEqualTo(AgentErrors.API);
    assertThat(AgentErrors.moduleOf("someone-elses")).isEqualTo(AgentErrors.OTHER);
    for (int m = 0; m < AgentErrors.MODULES; m++) {
      assertThat(AgentErrors.moduleOf(AgentErrors.moduleName(m))).isEqualTo(m);
    }
  }
}
