package dev.perfmon.instrumentation.jdbc;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A map from objects (compared by identity, held weakly) to values, used to remember per-statement
 * state (the operation id of a prepared statement, the pending batch of a plain statement) without
 * adding fields to driver classes and without calling the drivers' {@code equals}/{@code hashCode}.
 *
 * <h2>Concurrency</h2>
 *
 * <p>{@link #get} is on the call path of every prepared-statement execution: it takes no lock,
 * writes no shared memory and allocates nothing. It reads the segment's table (a volatile read),
 * one bucket (a volatile array element) and walks an immutable chain ({@link Entry#next} is final),
 * so it is wait-free: its steps are bounded by the chain's length, whatever other threads do, and
 * two threads reading never touch a common cache line for writing. Writes ({@link #put}, {@link
 * #remove}, purging collected keys, resizing) are rarer (a statement is prepared once and executed
 * many times) and serialise per segment on the segment's monitor; a writer never makes a reader
 * wait. A write changes a bucket by publishing a new chain: an added entry is pushed in front of
 * the old head; a removed entry's predecessors are copied in front of its successor; a resize
 * builds a new table and publishes it with one volatile write. A reader therefore sees the chain
 * before or after a write, never a half-made one, and a value set with {@link #put} on an existing
 * key is a volatile write that the next {@link #get} sees.
 *
 * <p>Entries whose key was collected are purged on later writes to the same segment.
 */
final class WeakIdentityMap<V> {
  private static final int SEGMENTS = 32; // power of two

  private final Segment<V>[] segments;

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array cannot be created otherwise
  WeakIdentityMap() {
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

  /** The value of {@code key}, or null. Lock-free and allocation-free (see the class comment). */
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

  /** The monitor that writers of {@code key}'s segment hold (for tests: readers never take it). */
  Object writeLockOf(Object key) {
    return segmentFor(hash(key));
  }

  private static final class Entry<V> extends WeakReference<Object> {
    final int hash;
    volatile V value;
    final Entry<V> next;

    Entry(Object key, int hash, V value, Entry<V> next, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.hash = hash;
      this.value = value;
      this.next = next;
    }
  }

  private static final class Segment<V> {
    private static final int INITIAL = 16;

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private volatile AtomicReferenceArray<Entry<V>> table = new AtomicReferenceArray<>(INITIAL);
    private int count; // guarded by this

    V get(Object key, int h) {
      AtomicReferenceArray<Entry<V>> t = table;
      for (Entry<V> e = t.get(h & (t.length() - 1)); e != null; e = e.next) {
        if (e.hash == h && e.get() == key) {
          return e.value;
        }
      }
      return null;
    }

    synchronized void put(Object key, int h, V value) {
      purge();
      AtomicReferenceArray<Entry<V>> t = table;
      int i = h & (t.length() - 1);
      Entry<V> head = t.get(i);
      for (Entry<V> e = head; e != null; e = e.next) {
        if (e.hash == h && e.get() == key) {
          e.value = value;
          return;
        }
      }
      t.set(i, new Entry<>(key, h, value, head, queue));
      if (++count > t.length() * 3 / 4) {
        resize(t);
      }
    }

    synchronized V remove(Object key, int h) {
      AtomicReferenceArray<Entry<V>> t = table;
      int i = h & (t.length() - 1);
      for (Entry<V> e = t.get(i); e != null; e = e.next) {
        if (e.hash == h && e.get() == key) {
          unlink(t, i, e);
          return e.value;
        }
      }
      return null;
    }

    synchronized int size() {
      purge();
      return count;
    }

    synchronized void clear() {
      table = new AtomicReferenceArray<>(INITIAL);
      count = 0;
      while (queue.poll() != null) {
        // drain
      }
    }

    /**
     * Publishes bucket {@code i} without {@code dead}: its successors are kept, its predecessors
     * copied (chains are immutable for the lock-free readers); copies of collected keys are left
     * out. Returns false when {@code dead} is not in the bucket (e.g. an old copy).
     */
    private boolean unlink(AtomicReferenceArray<Entry<V>> t, int i, Entry<V> dead) {
      Entry<V> head = t.get(i);
      boolean found = false;
      for (Entry<V> e = head; e != null; e = e.next) {
        if (e == dead) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
      Entry<V> rebuilt = dead.next;
      for (Entry<V> e = head; e != dead; e = e.next) {
        Object k = e.get();
        if (k != null) {
          rebuilt = new Entry<>(k, e.hash, e.value, rebuilt, queue);
        } else {
          count--; // collected: dropped with the copy (its own queue entry finds nothing later)
        }
      }
      t.set(i, rebuilt);
      count--;
      return true;
    }

    @SuppressWarnings("unchecked")
    private void purge() {
      Object ref;
      while ((ref = queue.poll()) != null) {
        Entry<V> dead = (Entry<V>) ref;
        AtomicReferenceArray<Entry<V>> t = table;
        unlink(t, dead.hash & (t.length() - 1), dead);
      }
    }

    /** A table twice as large, built aside and published with one volatile write. */
    private void resize(AtomicReferenceArray<Entry<V>> old) {
      AtomicReferenceArray<Entry<V>> fresh = new AtomicReferenceArray<>(old.length() * 2);
      int live = 0;
      for (int b = 0; b < old.length(); b++) {
        for (Entry<V> e = old.get(b); e != null; e = e.next) {
          Object k = e.get();
          if (k != null) {
            int i = e.hash & (fresh.length() - 1);
            fresh.set(i, new Entry<>(k, e.hash, e.value, fresh.get(i), queue));
            live++;
          }
        }
      }
      count = live;
      table = fresh;
    }
  }
}
