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

  static byte[] sink;

  @Test
  void withTheDebugPropertyCpuTimeAndAllocatedBytesAreCounted() {
    System.setProperty("perfmon.debug.transformerCpu", "true");
    try {
      TransformerCost.init();
    } finally {
      System.clearProperty("perfmon.debug.transformerCpu");
    }
    long allocated = TransformerCost.allocatedBytes();
    assertThat(allocated).as("measured on this JVM").isNotNegative();
    long start = TransformerCost.enter();
    long cpuStart = TransformerCost.cpuStart(start);
    long inner = TransformerCost.enter(); // nested: its allocation is in the outer one's
    TransformerCost.exit(inner, TransformerCost.cpuStart(inner));
    sink = new byte[1 << 20];
    TransformerCost.exit(start, cpuStart);
    assertThat(TransformerCost.allocatedBytes() - allocated).isBetween(1L << 20, 2L << 20);
    assertThat(TransformerCost.cpuNanos()).isNotNegative();
  }
}
