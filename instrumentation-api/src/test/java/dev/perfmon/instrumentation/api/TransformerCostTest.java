package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransformerCostTest {
  @Test
  void aNestedTransformationIsCountedButNotTimedTwice() throws InterruptedException {
    long classes = TransformerCost.classes();
    long nanos = TransformerCost.nanos();
    long outer = TransformerCost.enter();
    assertThat(outer).isNotEqualTo(TransformerCost.NESTED);
    long inner = TransformerCost.enter();
    assertThat(inner).isEqualTo(TransformerCost.NESTED);
    Thread.sleep(20);
    TransformerCost.exit(inner, TransformerCost.cpuStart(inner));
    long afterInner = TransformerCost.nanos();
    assertThat(afterInner).as("the inner one adds no time").isEqualTo(nanos);
    TransformerCost.exit(outer, 0);
    assertThat(TransformerCost.classes() - classes).isEqualTo(2);
    assertThat(TransformerCost.nanos() - nanos).as("the outer one's time, once").isGreaterThanOrEqualTo(20_000_000L);

    long again = TransformerCost.enter();
    assertThat(again).as("a later transformation on the thread is timed again").isNotEqualTo(TransformerCost.NESTED);
    TransformerCost.exit(again, 0);
  }
}
