package dev.perfmon.instrumentation.jdbc;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * The JDBC module's weak identity map as it was before it became lock-free on reads (commit
 * 8c7de21), kept unchanged here as the baseline of {@link WeakIdentityMapBenchmark}: every look-up
 * locks a segment. Not used by the agent.
 *
 * <p>Original description: a map from objects (compared by identity, held weakly) to values, used to remember per-statement
 * state (the operation id of a prepared statement, the pending batch of a plain statement) without
 * adding fields to driver classes and without calling the drivers' {@code equals}/{@code hashCode}.
 *
 * <p>Thread-safe: lock-striped into segments; a look-up locks one segment briefly and allocates
 * nothing. Entries whose key was collected are purged on later writes to the same segment.
 */
final class LockStripedWeakIdentityMap<V> {
  private static final int SEGMENTS = 32; // power of two

  private final Segment<V>[] segments;

  @SuppressWarnings("unchecked")
  LockStripedWeakIdentityMap() {
    segments = new Segment[SEGMENTS];
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment<>();
    }
  }

  private static int hash(Object key) {
    int h = System.identityHashCode(key);
    return h ^ (h >>> 16);
  }

  private Segment<V> segmentFor(int h) {
    return segments[(h >>> 8) & (SEGMENTS - 1)];
  }

  /** The segment of {@code key} (for the benchmark's choice of keys). */
  static int segmentIndex(Object key) {
    return (hash(key) >>> 8) & (SEGMENTS - 1);
  }

  V get(Object key) {
    int h = hash(key);
    return segmentFor(h).get(key, h);
  }

  void put(Object key, V value) {
    int h = hash(key);
    segmentFor(h).put(key, h, value);
  }

  V remove(Object key) {
    int h = hash(key);
    return segmentFor(h).remove(key, h);
  }

  /** Live entries (approximate: collected keys not yet purged are counted). */
  int size() {
    int n = 0;
    for (Segment<V> s : segments) {
      n += s.size();
    }
    return n;
  }

  void clear() {
    for (Segment<V> s : segments) {
      s.clear();
    }
  }

  private static final class Entry<V> extends WeakReference<Object> {
    final int hash;
    V value;
    Entry<V> next;

    Entry(Object key, int hash, V value, Entry<V> next, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.hash = hash;
      this.value = value;
      this.next = next;
    }
  }

  private static final class Segment<V> {
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private Entry<V>[] table = newTable(16);
    private int count;

    @SuppressWarnings("unchecked")
    private static <V> Entry<V>[] newTable(int n) {
      return new Entry[n];
    }

    synchronized V get(Object key, int h) {
      for (Entry<V> e = table[h & (table.length - 1)]; e != null; e = e.next) {
        if (e.hash == h && e.get() == key) {
          return e.value;
        }
      }
      return null;
    }

    synchronized void put(Object key, int h, V value) {
      purge();
      int i = h & (table.length - 1);
      for (Entry<V> e = table[i]; e != null; e = e.next) {
        if (e.hash == h && e.get() == key) {
          e.value = value;
          return;
        }
      }
      table[i] = new Entry<>(key, h, value, table[i], queue);
      if (++count > table.length * 3 / 4) {
        resize();
      }
    }

    synchronized V remove(Object key, int h) {
      int i = h & (table.length - 1);
      Entry<V> prev = null;
      for (Entry<V> e = table[i]; e != null; prev = e, e = e.next) {
        if (e.hash == h && e.get() == key) {
          V value = e.value;
          unlink(i, prev, e);
          return value;
        }
      }
      return null;
    }

    synchronized int size() {
      purge();
      return count;
    }

    synchronized void clear() {
      table = newTable(16);
      count = 0;
      while (queue.poll() != null) {
        // drain
      }
    }

    private void unlink(int i, Entry<V> prev, Entry<V> e) {
      if (prev == null) {
        table[i] = e.next;
      } else {
        prev.next = e.next;
      }
      e.value = null;
      count--;
    }

    @SuppressWarnings("unchecked")
    private void purge() {
      Object ref;
      while ((ref = queue.poll()) != null) {
        Entry<V> dead = (Entry<V>) ref;
        int i = dead.hash & (table.length - 1);
        Entry<V> prev = null;
        for (Entry<V> e = table[i]; e != null; prev = e, e = e.next) {
          if (e == dead) {
            unlink(i, prev, e);
            break;
          }
        }
      }
    }

    private void resize() {
      Entry<V>[] old = table;
      Entry<V>[] fresh = newTable(old.length * 2);
      for (Entry<V> head : old) {
        Entry<V> e = head;
        while (e != null) {
          Entry<V> next = e.next;
          int i = e.hash & (fresh.length - 1);
          e.next = fresh[i];
          fresh[i] = e;
          e = next;
        }
      }
      table = fresh;
    }
  }
}
