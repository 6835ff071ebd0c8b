package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StackHeadroomTest {
  @Test
  void ampleWithStackToSpare() {
    assertThat(StackHeadroom.ample()).isTrue();
  }

  @Test
  void notAmpleNearTheEndOfTheStackAndNeverThrows() throws InterruptedException {
    boolean[] atBottom = new boolean[1];
    Thread t =
        new Thread(
            null,
            () -> atBottom[0] = probeAtBottom(0),
            "small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertThat(atBottom[0]).as("the probe fails (and says so) a few frames above the end").isFalse();
  }

  /** Recurses until the stack is gone, then asks for headroom right there. */
  @SuppressWarnings("InfiniteRecursion") // deliberate: running out of stack is the point
  private static boolean probeAtBottom(int depth) {
    try {
      return probeAtBottom(depth + 1);
    } catch (StackOverflowError e) {
      return StackHeadroom.ample();
    }
  }

  @Test
  void deferredClassesAreDrainedOnceWithTheirLoader() {
    StackHeadroom.drain();
    ClassLoader loader = new ClassLoader(null) {};
    StackHeadroom.defer(loader, "com/example/Deep");
    StackHeadroom.defer(null, "com/example/Boot");
    List<StackHeadroom.Deferred> d = StackHeadroom.drain();
    assertThat(d).hasSize(2);
    assertThat(d.get(0).className()).isEqualTo("com.example.Deep");
    assertThat(d.get(0).loader()).isSameAs(loader);
    assertThat(d.get(0).loaderCollected()).isFalse();
    assertThat(d.get(1).loader()).isNull();
    assertThat(d.get(1).loaderCollected()).as("the bootstrap loader never goes").isFalse();
    assertThat(StackHeadroom.drain()).isEmpty();
  }

  @Test
  void theQueueIsBounded() {
    StackHeadroom.drain();
    int droppedBefore = StackHeadroom.dropped();
    for (int i = 0; i < StackHeadroom.MAX_DEFERRED + 10; i++) {
      StackHeadroom.defer(null, "c/C" + i);
    }
    assertThat(StackHeadroom.drain()).hasSize(StackHeadroom.MAX_DEFERRED);
    assertThat(StackHeadroom.dropped() - droppedBefore).isEqualTo(10);
  }
}
