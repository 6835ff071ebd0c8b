package dev.perfmon.instrumentation.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * Type descriptions shared between transformations, per class loader and bounded.
 *
 * <p>Byte Buddy's default pool strategy starts every transformation with an empty cache, so each
 * class being loaded had its whole super-type hierarchy read and parsed again (the servlet and
 * JDBC matchers look for {@code Servlet}, {@code Filter}, {@code Statement} ... among a class's
 * super types): in a Spring Boot application that was most of the agent's start-up cost, each
 * class file read through the fat jar's class loader. With this cache, {@code Object}, {@code
 * Serializable} and the framework's base types are parsed once per class loader.
 *
 * <p>Bounded and small: each class loader gets a direct-mapped table of {@value #SLOTS} entries (a
 * type replaces whichever type occupied its slot), strongly held, so a loader's cache never holds
 * more than that many descriptions (parsed headers, fields and method signatures, no code: 2 to 3
 * KB each, under 1 MB per loader when full), and class loaders weakly, so the cache of an
 * undeployed web application goes with it. The class being transformed is never taken from the
 * cache (Byte Buddy describes it from the bytes being defined).
 *
 * <p>Small, because since the agent's transformer decides on the class file's header ({@link
 * ClassFileTest}) and walks super types on their headers ({@link SuperTypeMask}), Byte Buddy
 * describes only the few classes it transforms and their super types are hardly ever looked up.
 * It used to hold 4,096 softly referenced descriptions per loader, when every class loaded was
 * described and its super types walked through the pool: on a Spring Boot application of 17,000
 * classes that kept about 75 MB of descriptions that a full collection did not clear (soft
 * references go only when the heap runs short), and G1 sized the heap to hold them.
 *
 * <p>No class loader is kept reachable. A cached description references the type pool that read
 * it, and that pool its class file locator: the agent's builder therefore locates class files
 * through a locator that holds the class loader weakly ({@code LocationStrategy.ForClassLoader.WEAK}
 * in {@code PerfmonAgentBuilder}). With Byte Buddy's default strong locator, every table (the value
 * of its own loader's weak key) kept that loader reachable through its descriptions:
 * undeployed web applications, their classes and their metaspace stayed until the heap filled
 * ({@code UnloadedLoaderTest}, and {@code RedeployLeakIT} with 20 Tomcat redeployments). Nothing
 * else in a description refers to a loader or a loaded class: they are parsed from class files.
 *
 * <p>Thread-safe: the table is read and written without locks; a lost race only costs a parse.
 */
public final class BoundedTypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
  /** Entries per class loader (a power of two). */
  static final int SLOTS = 256;

  private final Map<ClassLoader, Table> byLoader = new WeakHashMap<>();
  private final Table bootstrap = new Table();

  /** Every cache in use (weakly), for {@link #descriptionsHeld()}. */
  private static final Map<BoundedTypePoolCache, Boolean> ALL = new WeakHashMap<>();

  public BoundedTypePoolCache() {
    super(TypePool.Default.ReaderMode.FAST);
    synchronized (ALL) {
      ALL.put(this, Boolean.TRUE);
    }
  }

  /** Type descriptions held by all caches in use (diagnostics: the agent's retained heap). */
  public static long descriptionsHeld() {
    List<BoundedTypePoolCache> caches;
    synchronized (ALL) {
      caches = new ArrayList<>(ALL.keySet());
    }
    long n = 0;
    for (BoundedTypePoolCache c : caches) {
      n += c.bootstrap.size();
      synchronized (c.byLoader) {
        for (Table t : c.byLoader.values()) {
          n += t.size();
        }
      }
    }
    return n;
  }

  @Override
  protected TypePool.CacheProvider locate(ClassLoader classLoader) {
    if (classLoader == null) {
      return bootstrap;
    }
    synchronized (byLoader) {
      Table t = byLoader.get(classLoader); // no lambda (computeIfAbsent): see package-info
      if (t == null) {
        t = new Table();
        byLoader.put(classLoader, t);
      }
      return t;
    }
  }

  /** Class loaders with a cache (for tests). */
  int loaders() {
    synchronized (byLoader) {
      return byLoader.size();
    }
  }

  /** A direct-mapped table of type resolutions by name. */
  static final class Table implements TypePool.CacheProvider {
    private final Entry[] entries = new Entry[SLOTS];

    private record Entry(String name, TypePool.Resolution resolution) {}

    private static int slot(String name) {
      int h = name.hashCode();
      return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    @Override
    public TypePool.Resolution find(String name) {
      Entry e = entries[slot(name)];
      if (e == null || !e.name.equals(name)) {
        return UNRESOLVED;
      }
      return e.resolution;
    }

    @Override
    public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
      // Entry's fields are final: a reader on another thread sees it whole or not at all.
      entries[slot(name)] = new Entry(name, resolution);
      return resolution;
    }

    @Override
    public void clear() {
      java.util.Arrays.fill(entries, null);
    }

    /** Occupied slots (for tests). */
    int size() {
      int n = 0;
      for (Entry e : entries) {
        if (e != null) {
          n++;
        }
      }
      return n;
    }
  }
}
