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
}
