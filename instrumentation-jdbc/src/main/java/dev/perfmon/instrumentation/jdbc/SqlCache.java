package dev.perfmon.instrumentation.jdbc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded cache from raw SQL text to its operation id, so that a repeated statement costs one
 * hash look-up instead of a re-parse.
 *
 * <p>Two generations: entries go into {@code current}; when it holds {@code capacity} entries it
 * becomes {@code previous} and a fresh map starts. A hit in {@code previous} is copied forward. So
 * at most {@code 2 * capacity} entries are held, and statements in regular use survive rotations
 * (an approximation of LRU without per-hit bookkeeping). Thread-safe.
 */
final class SqlCache {
  private final int capacity;
  private volatile Map<String, Integer> current = new ConcurrentHashMap<>();
  private volatile Map<String, Integer> previous = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  SqlCache(int capacity) {
    this.capacity = Math.max(1, capacity);
  }

  /** The cached id of {@code sql}, or null. */
  Integer get(String sql) {
    Integer id = current.get(sql);
    if (id == null) {
      id = previous.get(sql);
      if (id != null) {
        put(sql, id);
      }
    }
    return id;
  }

  void put(String sql, Integer id) {
    if (current.put(sql, id) == null && size.incrementAndGet() >= capacity) {
      rotate();
    }
  }

  private synchronized void rotate() {
    if (size.get() < capacity) {
      return;
    }
    previous = current;
    current = new ConcurrentHashMap<>();
    size.set(0);
  }

  /** Entries held (both generations). */
  int size() {
    return current.size() + previous.size();
  }

  void clear() {
    synchronized (this) {
      current = new ConcurrentHashMap<>();
      previous = new ConcurrentHashMap<>();
      size.set(0);
    }
  }
}
