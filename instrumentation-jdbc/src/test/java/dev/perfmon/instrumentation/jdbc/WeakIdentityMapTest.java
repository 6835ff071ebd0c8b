package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {

  /** A key whose equals/hashCode would merge distinct objects: the map must not call them. */
  static final class Evil {
    @Override
    public boolean equals(Object o) {
      throw new AssertionError("equals called");
    }

    @Override
    public int hashCode() {
      throw new AssertionError("hashCode called");
    }
  }

  @Test
  void putGetRemoveByIdentity() {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Object k = new Evil();
      keys.add(k);
      map.put(k, i);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertThat(map.get(keys.get(i))).isEqualTo(i);
    }
    assertThat(map.remove(keys.get(17))).isEqualTo(17);
    assertThat(map.get(keys.get(17))).isNull();
    assertThat(map.remove(keys.get(17))).isNull();
    map.put(keys.get(3), 33);
    assertThat(map.get(keys.get(3))).isEqualTo(33);
    assertThat(map.size()).isEqualTo(4999);
  }

  @Test
  void collectedKeysArePurged() throws Exception {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    for (int i = 0; i < 10_000; i++) {
      map.put(new Object(), i);
    }
    Object live = new Object();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (map.size() > 1_000 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
      map.put(live, 1); // writes purge their segment
      for (int i = 0; i < 64; i++) {
        map.put(new Object(), -1);
      }
    }
    assertThat(map.size()).isLessThan(1_000);
    assertThat(map.get(live)).isEqualTo(1);
  }

  @Test
  void readsNeverWaitForAWriter() throws Exception {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    Object key = new Object();
    map.put(key, 7);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread writer =
        new Thread(
            () -> {
              synchronized (map.writeLockOf(key)) {
                held.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    writer.start();
    held.await();
    try {
      java.util.concurrent.CompletableFuture<Integer> read =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> map.get(key));
      assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("read while a writer holds the segment")
          .isEqualTo(7);
    } finally {
      release.countDown();
      writer.join();
    }
  }

  /**
   * Readers look up keys that stay in the map while writers add, update and remove others (so that
   * buckets are rebuilt and tables resized under the readers): every read of a stable key returns
   * its value, never null or another key's.
   */
  @Test
  void concurrentReadersAlwaysSeeStableKeysWhileWritersChangeTheMap() throws Exception {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    Object[] stable = new Object[2_000];
    for (int i = 0; i < stable.length; i++) {
      stable[i] = new Evil();
      map.put(stable[i], i);
    }
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong wrong = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int seed = r;
      threads.add(
          new Thread(
              () -> {
                int i = seed;
                long n = 0;
                while (!stop.get()) {
                  i = (i + 7) % stable.length;
                  Integer v = map.get(stable[i]);
                  if (v == null || v != i) {
                    wrong.incrementAndGet();
                  }
                  n++;
                }
                reads.addAndGet(n);
              }));
    }
    for (int w = 0; w < 2; w++) {
      threads.add(
          new Thread(
              () -> {
                List<Object> mine = new ArrayList<>();
                for (int round = 0; round < 40; round++) {
                  for (int k = 0; k < 500; k++) {
                    Object o = new Evil();
                    mine.add(o);
                    map.put(o, -1);
                  }
                  for (int k = 0; k < mine.size(); k += 2) {
                    map.put(mine.get(k), -2);
                    assertThat(map.get(mine.get(k))).isEqualTo(-2);
                  }
                  for (Object o : mine) {
                    map.remove(o);
                  }
                  mine.clear();
                }
              }));
    }
    for (Thread t : threads) {
      t.start();
    }
    for (Thread t : threads.subList(2, 4)) {
      t.join();
    }
    stop.set(true);
    for (Thread t : threads.subList(0, 2)) {
      t.join();
    }
    assertThat(wrong.get()).as("wrong reads out of %d", reads.get()).isZero();
    assertThat(reads.get()).isPositive();
    assertThat(map.size()).isEqualTo(stable.length);
    for (int i = 0; i < stable.length; i++) {
      assertThat(map.get(stable[i])).isEqualTo(i);
    }
  }

  @Test
  void collectedKeysAreClearedAndLiveOnesKeptThroughResizes() throws Exception {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    List<Object> live = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      Object k = new Object();
      if (i % 10 == 0) {
        live.add(k);
      }
      map.put(k, i);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (map.size() > live.size() && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(map.size()).as("only the live keys remain").isEqualTo(live.size());
    for (int j = 0; j < live.size(); j++) {
      assertThat(map.get(live.get(j))).isEqualTo(j * 10);
    }
  }
}
