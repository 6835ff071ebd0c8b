package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadCircularityLockTest {
  @Test
  void heldPerThreadAndNotReentrant() throws Exception {
    ThreadCircularityLock lock = new ThreadCircularityLock();
    assertThat(lock.acquire()).isTrue();
    assertThat(lock.acquire()).as("nested on the holding thread").isFalse();

    AtomicBoolean other = new AtomicBoolean();
    AtomicBoolean otherNested = new AtomicBoolean(true);
    Thread t =
        new Thread(
            () -> {
              other.set(lock.acquire());
              otherNested.set(lock.acquire());
              lock.release();
            });
    t.start();
    t.join();
    assertThat(other).as("another thread is not blocked by this one").isTrue();
    assertThat(otherNested).isFalse();

    lock.release();
    assertThat(lock.acquire()).as("after release").isTrue();
    lock.release();
  }
}
