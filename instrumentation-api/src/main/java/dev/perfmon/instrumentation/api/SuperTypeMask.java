package dev.perfmon.instrumentation.api;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Which of a few well-known super types (Servlet and Filter, Statement and Connection, ...) a
 * class has, as a bit mask from one walk of its hierarchy; for type matchers that must find
 * implementations with any name in any class loader.
 *
 * <p>Cost control: (1) a name pre-filter gives 0 for packages that never hold such types, before
 * any hierarchy is read; (2) the walk does not descend into packages whose relations are known by
 * name (the JDK), so it never reads their class files; (3) the mask of the last type is memoised
 * per thread, so the several matchers evaluated for one loaded class (javax and jakarta servlets,
 * the four JDBC types) share one walk; (4) unresolvable super types (missing optional
 * dependencies) count as none rather than failing the match; (5) the mask of every super type
 * walked is kept per class loader ({@link Table}), so a super type's class file is read and parsed
 * once per loader, not once for each of its subclasses. Byte Buddy's {@code hasSuperType} walks
 * again for every matcher and builds its work queue through reflection.
 *
 * <p>(5) needs to know which class loader's view the type is described in: the agent's transformer
 * {@link #enter(ClassLoader) enters} the loader of the class being transformed. Outside such a scope
 * (a matcher called directly) nothing is cached. Without (5), on a Spring Boot application of about
 * 17,000 classes, reading super types' class files through the fat jar's loader was the largest
 * part of the agent's start-up CPU time and allocation (each framework base type read again for
 * every subclass, or found in the soft-referenced type pool cache).
 *
 * <p>Thread-safe; the memo holds the last type only weakly; the per-loader tables hold names and
 * masks only (no descriptions, no loader), {@value #SLOTS} entries at most each, and go with their
 * loader.
 */
public final class SuperTypeMask {
  private static final int MAX_DEPTH = 32;

  /** Entries per class loader in the mask table (a power of two). */
  static final int SLOTS = 4096;

  /** Internal flag: the walk missed part of the hierarchy (unresolvable or too deep), not cached. */
  private static final int INCOMPLETE = 1 << 31;

  /** Marks "no loader entered" on a thread; {@link #BOOT} stands for the bootstrap loader. */
  private static final Object NONE = new Object();

  private static final Object BOOT = new Object();

  /** The class loader whose class this thread is matching: a loader, {@link #BOOT} or {@link #NONE}. */
  private static final ThreadLocal<Object[]> SCOPE = ThreadLocal.withInitial(() -> new Object[] {NONE});

  private final Map<ClassLoader, Table> byLoader = new java.util.WeakHashMap<>();
  private final Table bootTable = new Table();

  private final Map<String, Integer> known;
  private final String[] notDescended;
  private final String[] irrelevant;
  /**
   * Per thread, the last type's mask. The thread-local map of an application thread holds only a
   * {@link WeakReference} (a JDK class) to it, never an agent class: a value of an agent class there
   * would keep the agent's class loader reachable after a detach, from every thread that loaded a
   * class while the agent ran. A memo the collector cleared is made again.
   */
  private final ThreadLocal<WeakReference<Memo>> memo = new ThreadLocal<>();

  /** Super-type masks taken from the per-loader tables (diagnostics and tests). */
  public final LongAdder tableHits = new LongAdder();

  /** Hierarchy walks done, and walks saved by the memo (diagnostics and tests). */
  public final LongAdder walks = new LongAdder();

  public final LongAdder memoHits = new LongAdder();

  /**
   * @param known the types looked for, with their bits (bit 31 is reserved); the walk stops at a known type, so one
   *     that extends another known type carries both bits (e.g. PreparedStatement)
   * @param notDescended name prefixes whose types are not walked into unless {@code known}
   * @param irrelevant name prefixes of types that never have any of the bits (mask 0, no walk)
   */
  public SuperTypeMask(Map<String, Integer> known, String[] notDescended, String[] irrelevant) {
    this.known = Map.copyOf(known);
    this.notDescended = notDescended.clone();
    this.irrelevant = irrelevant.clone();
  }

  /**
   * Makes {@code loader} the class loader of the types this thread matches until {@link
   * #exit(Object)}; returns what to give {@code exit}. Called by the agent's transformer around each
   * transformation (nested class loading enters and exits its own loader).
   */
  public static Object enter(ClassLoader loader) {
    Object[] scope = SCOPE.get();
    Object previous = scope[0];
    scope[0] = loader == null ? BOOT : loader;
    return previous;
  }

  /** Restores the scope {@link #enter(ClassLoader)} replaced. */
  public static void exit(Object previous) {
    SCOPE.get()[0] = previous;
  }

  /** The mask table of the entered loader, or null outside a scope. */
  private Table table(Memo m) {
    Object loader = SCOPE.get()[0];
    if (loader == NONE) {
      return null;
    }
    if (loader == BOOT) {
      return bootTable;
    }
    if (m.loader.get() == loader) {
      return m.table;
    }
    Table t;
    synchronized (byLoader) {
      t = byLoader.computeIfAbsent((ClassLoader) loader, l -> new Table());
    }
    m.loader = new WeakReference<>((ClassLoader) loader);
    m.table = t;
    return t;
  }

  /** Class loaders with a mask table (for tests). */
  int loaders() {
    synchronized (byLoader) {
      return byLoader.size();
    }
  }

  /** Classes (not interfaces) whose mask has every bit of {@code bits}. */
  public ElementMatcher.Junction<TypeDescription> implementingAll(int bits) {
    return new Matcher(bits, true);
  }

  /** Classes (not interfaces) whose mask has at least one bit of {@code bits}. */
  public ElementMatcher.Junction<TypeDescription> implementingAny(int bits) {
    return new Matcher(bits, false);
  }

  /** The known super types of {@code type}, as a bit mask. */
  public int mask(TypeDescription type) {
    if (startsWithAny(type.getName(), irrelevant)) {
      return 0;
    }
    WeakReference<Memo> held = memo.get();
    Memo m = held == null ? null : held.get();
    if (m == null) {
      m = new Memo();
      memo.set(new WeakReference<>(m));
    }
    if (m.type.get() == type) {
      memoHits.increment();
      return m.mask;
    }
    walks.increment();
    int mask = walk(type, 0, table(m)) & ~INCOMPLETE;
    m.type = new WeakReference<>(type);
    m.mask = mask;
    return mask;
  }

  /** True when {@code name} starts with one of {@code prefixes}. */
  public static boolean startsWithAny(String name, String[] prefixes) {
    for (String p : prefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private int walk(TypeDefinition type, int depth, Table table) {
    if (depth > MAX_DEPTH) {
      return INCOMPLETE;
    }
    int m = 0;
    try {
      for (TypeDescription.Generic i : type.getInterfaces()) {
        m |= of(i, depth, table);
      }
    } catch (Throwable t) {
      m |= INCOMPLETE; // unresolvable interface list: treat as none
    }
    try {
      TypeDescription.Generic sup = type.getSuperClass();
      if (sup != null) {
        m |= of(sup, depth, table);
      }
    } catch (Throwable t) {
      m |= INCOMPLETE; // unresolvable super class: treat as none
    }
    return m;
  }

  private int of(TypeDescription.Generic t, int depth, Table table) {
    try {
      TypeDescription erasure = t.asErasure();
      String name = erasure.getName();
      Integer bits = known.get(name);
      if (bits != null) {
        return bits;
      }
      if (startsWithAny(name, notDescended)) {
        return 0;
      }
      if (table != null) {
        int cached = table.find(name);
        if (cached != -1) {
          tableHits.increment();
          return cached;
        }
      }
      int m = walk(erasure, depth + 1, table);
      if (table != null && (m & INCOMPLETE) == 0) {
        table.put(name, m);
      }
      return m;
    } catch (Throwable e) {
      return INCOMPLETE;
    }
  }

  private final class Matcher extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
    private final int bits;
    private final boolean all;

    Matcher(int bits, boolean all) {
      this.bits = bits;
      this.all = all;
    }

    @Override
    public boolean matches(TypeDescription target) {
      if (target.isInterface()) {
        return false;
      }
      int m = mask(target) & bits;
      return all ? m == bits : m != 0;
    }

    @Override
    public String toString() {
      return (all ? "implementingAll(" : "implementingAny(") + known + " & " + bits + ")";
    }
  }

  private static final class Memo {
    WeakReference<TypeDescription> type = new WeakReference<>(null);
    int mask;
    WeakReference<ClassLoader> loader = new WeakReference<>(null);
    Table table;
  }

  /**
   * Complete masks of super types by name, for one class loader: a direct-mapped table (a name
   * replaces whichever name occupied its slot), read and written without locks (an entry is
   * immutable; a lost race only costs a walk).
   */
  static final class Table {
    private final Entry[] entries = new Entry[SLOTS];

    private record Entry(String name, int mask) {}

    private static int slot(String name) {
      int h = name.hashCode();
      return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /** The mask of {@code name}, or -1 when not in the table. */
    int find(String name) {
      Entry e = entries[slot(name)];
      return e != null && e.name.equals(name) ? e.mask : -1;
    }

    void put(String name, int mask) {
      entries[slot(name)] = new Entry(name, mask);
    }
  }
}
