package dev.perfmon.instrumentation.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * name (the JDK), so it never reads their class files; (3) instrumentations that look for
 * different types share one walk: {@link #shared} joins a mask to one walker for all (the servlet
 * and the JDBC types), whose masks carry every member's bits; (4) the walk of a class being loaded
 * reads its class file's header ({@link #classFileTest}, from the agent's transformer, before Byte
 * Buddy describes the class) and super types' headers through the class loader ({@link
 * ClassFileReader}: the loader's own resources first where that is safe), never a full
 * description; the mask found is remembered for the class being transformed, so the Byte Buddy
 * matchers that run afterwards on the same class ({@link #implementingAny}) do not walk again; (5)
 * unresolvable super types (missing optional dependencies) count as none rather than failing the
 * match; (6) the mask of every super type walked is kept per class loader ({@link Table}), so a
 * super type's class file is read once per loader, not once for each of its subclasses. Byte
 * Buddy's {@code hasSuperType} walks again for every matcher, on full descriptions.
 *
 * <p>(4) and (6) need to know which class loader's view the type is in: the agent's transformer
 * {@link #enter(ClassLoader) enters} the loader of the class being transformed. Outside such a scope
 * (a matcher called directly) nothing is kept and the walk reads Byte Buddy descriptions.
 *
 * <p>Thread-safe; the per-loader tables hold 64-bit hashes of names and masks only (no names, no
 * descriptions, no loader), at most {@value #MAX_SLOTS} slots each (12 bytes a slot: 384 KB when
 * full, which an application of 17,000 classes does not reach), and go with their loader. Besides
 * super types, the mask of every class loaded is kept: a class loaded before its subclasses (an
 * interface loaded on its own, say) is then not read again for each of them.
 */
public final class SuperTypeMask {
  private static final int MAX_DEPTH = 32;

  /** Largest mask table per class loader (entries, a power of two). */
  static final int MAX_SLOTS = 32768;

  /** Internal flag: the walk missed part of the hierarchy (unresolvable or too deep), not cached. */
  private static final int INCOMPLETE = 1 << 31;

  /** Marks "no loader entered"; {@link #BOOT} stands for the bootstrap loader. */
  private static final Object NONE = new Object();

  private static final Object BOOT = new Object();

  /** The matching scope of a thread: whose class it transforms, and that class's header mask. */
  private static final class Scope {
    final Object loader;
    /** The header whose mask is below, and the walker that computed it. */
    ClassHeader header;

    Walker walker;
    /** The protection domain of the class being transformed, or null. */
    java.security.ProtectionDomain domain;

    String className;
    int mask;
    boolean isInterface;
    /**
     * The transformations whose class-file test the class being transformed passed ({@link
     * AgentBuilders.Prefilter}), or null when not tested.
     */
    Object[] passed;

    Scope(Object loader) {
      this.loader = loader;
    }
  }

  private static final Scope NO_SCOPE = new Scope(NONE);

  /**
   * Per thread, its scope while it transforms a class, null otherwise. The thread-local map of an
   * application thread holds only JDK types (an {@code Object[]}, and a {@link Scope} in it only
   * during a transformation): a value of an agent class left there would keep the agent's class
   * loader reachable after a detach, from every thread that loaded a class while the agent ran.
   */
  private static final ThreadLocal<Object[]> SCOPE =
      new ThreadLocal<>() { // not a lambda: see package-info
        @Override
        protected Object[] initialValue() {
          return new Object[1];
        }
      };

  /** The thread's scope, or {@link #NO_SCOPE}. */
  private static Scope scope() {
    Object s = SCOPE.get()[0];
    return s == null ? NO_SCOPE : (Scope) s;
  }

  /** The walker the {@link #shared} masks join. */
  private static final Walker SHARED = new Walker();

  private final Walker walker;
  /** This mask's bits in the walker's masks: {@code (walkerMask >>> shift) & width}. */
  private final int shift;

  private final int width;
  private final NamePrefixes irrelevant;

  /** Super-type masks taken from the per-loader tables (diagnostics and tests). */
  public final LongAdder tableHits;

  /** Hierarchy walks done, and walks saved by the memo (diagnostics and tests). */
  public final LongAdder walks;

  public final LongAdder memoHits;

  /**
   * A mask with its own walker.
   *
   * @param known the types looked for, with their bits (at most 31 bits); the walk stops at a known
   *     type, so one that extends another known type carries both bits (e.g. PreparedStatement)
   * @param notDescended name prefixes whose types are not walked into unless {@code known}
   * @param irrelevant name prefixes of types that never have any of the bits (mask 0, no walk)
   */
  public SuperTypeMask(Map<String, Integer> known, String[] notDescended, String[] irrelevant) {
    this(new Walker(), known, notDescended, irrelevant);
  }

  private SuperTypeMask(Walker walker, Map<String, Integer> known, String[] notDescended, String[] irrelevant) {
    int bits = 0;
    for (int b : known.values()) {
      bits |= b;
    }
    if ((bits & INCOMPLETE) != 0) {
      throw new IllegalArgumentException("bit 31 is reserved");
    }
    this.walker = walker;
    this.width = bits;
    this.shift = walker.join(known, notDescended, 32 - Integer.numberOfLeadingZeros(bits));
    this.irrelevant = NamePrefixes.of(irrelevant);
    this.tableHits = walker.tableHits;
    this.walks = walker.walks;
    this.memoHits = walker.memoHits;
  }

  /**
   * A mask whose walks are shared with every other shared mask: one walk per loaded class computes
   * the bits of all of them (the servlet and the JDBC instrumentations look at the same classes).
   * Falls back to a walker of its own when the shared one has no bits left.
   */
  public static SuperTypeMask shared(Map<String, Integer> known, String[] notDescended, String[] irrelevant) {
    synchronized (SHARED) {
      int bits = 0;
      for (int b : known.values()) {
        bits |= b;
      }
      int needed = 32 - Integer.numberOfLeadingZeros(bits);
      Walker w = SHARED.usedBits + needed <= 31 ? SHARED : new Walker();
      return new SuperTypeMask(w, known, notDescended, irrelevant);
    }
  }

  /** True when both masks share one walker (for tests). */
  boolean sharesWalkWith(SuperTypeMask other) {
    return walker == other.walker;
  }

  /**
   * Makes {@code loader} the class loader of the types this thread matches until {@link
   * #exit(Object)}; returns what to give {@code exit}. Called by the agent's transformer around each
   * transformation (nested class loading enters and exits its own loader).
   */
  public static Object enter(ClassLoader loader) {
    return enter(loader, null);
  }

  /**
   * As {@link #enter(ClassLoader)}, with the protection domain of the class being transformed
   * (its code source is where its super types' class files are looked for first: {@link
   * ClassFileReader}); null when unknown.
   */
  public static Object enter(ClassLoader loader, java.security.ProtectionDomain domain) {
    Object[] scope = SCOPE.get();
    Object previous = scope[0];
    Scope s = new Scope(loader == null ? BOOT : loader);
    s.domain = domain;
    scope[0] = s;
    return previous;
  }

  /**
   * Notes where the class being transformed in this thread's scope came from, for reading its
   * package's other classes as super types later ({@link ClassFileReader#remember}). Called by
   * the agent's transformer with each class's header, through a method handle that the JIT does
   * not inline through ({@link OutOfLine}): compiled into the pre-test, this and its rarely taken
   * paths (a package or class loader seen for the first time) made the pre-test's C2 compilation
   * about a third larger, and each such path first taken after it a deoptimisation and another
   * compilation of the whole pre-test.
   */
  public static void rememberLocation(ClassLoader loader, ClassHeader header) {
    try {
      boolean unused = (boolean) rememberLocationHandle.invokeExact(REMEMBERING, loader, header, (Object) null);
    } catch (Throwable t) {
      // remembering throws nothing; were it to, nothing is remembered (super types are then
      // looked for through the class loader)
    }
  }

  /**
   * The method behind {@link #rememberLocation}'s handle: an instance method of four references
   * in (the last unused) and a boolean out, so that the handle has the shape of the pre-test's
   * own ({@link OutOfLine#mayMatch}, called for every class) and shares the JDK's method-handle
   * forms made for that one. Other shapes cost classes spun at start-up (Java 17 and 25): a static
   * method returning nothing two forms of its own; the walker's shape (three references in, an int
   * out) one in a hello-world, which walks no super type and so had not made that shape's forms.
   */
  private static final class Remembering {
    @SuppressWarnings({"UnusedMethod", "UnusedVariable"}) // called through the handle below
    boolean remember(ClassLoader loader, ClassHeader header, Object unused) {
      rememberLocationNow(loader, header);
      return true;
    }
  }

  private static final Remembering REMEMBERING = new Remembering();

  @SuppressWarnings("FieldCanBeFinal") // final would make it a constant the JIT inlines through
  private static MethodHandle rememberLocationHandle =
      OutOfLine.virtual(
          MethodHandles.lookup(),
          Remembering.class,
          "remember",
          MethodType.methodType(boolean.class, ClassLoader.class, ClassHeader.class, Object.class));

  private static void rememberLocationNow(ClassLoader loader, ClassHeader header) {
    Scope s = scope();
    if (s.domain != null && loader != null) {
      try {
        ClassFileReader.remember(loader, header.packageKey(), s.domain);
      } catch (RuntimeException malformed) {
        // a class file whose name cannot be read: nothing to remember
      }
    }
  }

  /**
   * Records which transformations' class-file tests the class being transformed passed (nothing
   * outside a scope).
   */
  static void passed(Object[] transformations) {
    Scope s = scope();
    if (s != NO_SCOPE) {
      s.passed = transformations;
    }
  }

  /**
   * What {@link #passed(Object[])} recorded for the class being transformed, or null when nothing
   * was (outside a scope, or the class was not tested).
   */
  static Object[] passed() {
    return scope().passed;
  }

  /** Restores the scope {@link #enter(ClassLoader)} replaced. */
  public static void exit(Object previous) {
    SCOPE.get()[0] = previous;
  }

  /** Class loaders with a mask table (for tests). */
  int loaders() {
    return walker.loaders();
  }

  /** Super types' class files read by this mask's walker (diagnostics and tests). */
  public long classFilesRead() {
    return walker.reads.sum();
  }

  /** Super types' class files read by the shared walker (diagnostics: start-up measurements). */
  public static long sharedClassFilesRead() {
    return SHARED.reads.sum();
  }

  /** Of those, the ones first looked for in the subclass's jar and not found there (diagnostics). */
  public static long classFilesNotBesideSubclass() {
    return ClassFileReader.NOT_BESIDE_SUBCLASS.sum();
  }

  /** Bytes held by the mask tables of all walkers: the shared one's (diagnostics). */
  public static long sharedTableBytes() {
    return SHARED.tableBytes();
  }

  /** Classes (not interfaces) whose mask has every bit of {@code bits}. */
  public ElementMatcher.Junction<TypeDescription> implementingAll(int bits) {
    return new Matcher(bits, true);
  }

  /** Classes (not interfaces) whose mask has at least one bit of {@code bits}. */
  public ElementMatcher.Junction<TypeDescription> implementingAny(int bits) {
    return new Matcher(bits, false);
  }

  /**
   * The class-file test of {@link #implementingAll} / {@link #implementingAny}: true for classes
   * (not interfaces) outside the irrelevant packages whose header walk finds {@code bits} (all of
   * them, or any). Remembers the mask in the thread's scope, so that the type matchers, asked
   * about the same class afterwards, do not walk again.
   */
  public ClassFileTest classFileTest(int bits, boolean all) {
    return new ClassFileTest() { // not a lambda: see package-info
      @Override
      public boolean mayMatch(ClassHeader header, ClassLoader loader) {
        if (header.isInterface()) {
          return false;
        }
        int m = mask(header, loader) & bits;
        return all ? m == bits : m != 0;
      }
    };
  }

  /** The known super types of the class whose header is {@code header}, as a bit mask. */
  public int mask(ClassHeader header, ClassLoader loader) {
    if (irrelevant.matches(header.className())) {
      return 0;
    }
    return (walkerMask(walker, header, loader) >>> shift) & width;
  }

  /**
   * {@code walker.mask(header, loader)}, through a method handle that the JIT does not inline
   * through ({@link OutOfLine}): the walk is compiled once, on its own, not again into each
   * class-file test that asks for a mask.
   */
  private static int walkerMask(Walker walker, ClassHeader header, ClassLoader loader) {
    try {
      return (int) headerMask.invokeExact(walker, header, loader);
    } catch (Throwable t) {
      return 0; // the walk throws nothing; were it to, the class has none of the types
    }
  }

  @SuppressWarnings("FieldCanBeFinal") // final would make it a constant the JIT inlines through
  private static MethodHandle headerMask =
      OutOfLine.virtual(
          MethodHandles.lookup(), Walker.class, "mask", MethodType.methodType(int.class, ClassHeader.class, ClassLoader.class));

  /** The known super types of {@code type}, as a bit mask. */
  public int mask(TypeDescription type) {
    if (irrelevant.matches(type.getName())) {
      return 0;
    }
    return (walker.mask(type) >>> shift) & width;
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
      int m;
      Scope s = scope();
      if (s.walker == walker && target.getName().equals(s.className)) {
        // The class being transformed, whose header the class-file test walked already.
        if (s.isInterface || irrelevant.matches(s.className)) {
          return false;
        }
        walker.memoHits.increment();
        m = (s.mask >>> shift) & width & bits;
      } else {
        if (target.isInterface()) {
          return false;
        }
        m = mask(target) & bits;
      }
      return all ? m == bits : m != 0;
    }

    @Override
    public String toString() {
      return (all ? "implementingAll(" : "implementingAny(") + bits + ")";
    }
  }

  /**
   * The walk and its tables, for one or more masks: known type names with their bits in the
   * walker's masks, the prefixes none of its masks descends into, and the masks per loader.
   */
  private static final class Walker {
    /** Replaced as a whole when a mask joins (read without locks). */
    private volatile Map<String, Integer> known = Map.of();

    private volatile String[] notDescended;
    /** {@link #notDescended} as asked on every walk step (replaced with it). */
    private volatile NamePrefixes notDescendedNames = NamePrefixes.of();
    /** The tables; replaced when a mask joins, so that no mask computed before is reused. */
    private volatile Tables tables = new Tables();

    int usedBits;
    final LongAdder tableHits = new LongAdder();
    final LongAdder walks = new LongAdder();
    final LongAdder memoHits = new LongAdder();
    final LongAdder reads = new LongAdder();
    /**
     * Per thread, the last type's mask, held through a {@link WeakReference} (a JDK class) for the
     * reason given at {@link #SCOPE}; a memo the collector cleared is made again.
     */
    @SuppressWarnings("ThreadLocalUsage") // one per walker, and walkers are few and live as long as the agent
    private final ThreadLocal<WeakReference<Memo>> memo = new ThreadLocal<>();

    private Memo memo() {
      WeakReference<Memo> held = memo.get();
      Memo m = held == null ? null : held.get();
      if (m == null) {
        m = new Memo();
        memo.set(new WeakReference<>(m));
      }
      return m;
    }

    /** Adds a mask's known types; returns the shift of its bits. */
    synchronized int join(Map<String, Integer> types, String[] notDescendedByIt, int bits) {
      int shift = usedBits;
      if (shift + bits > 31) {
        throw new IllegalStateException("no bits left");
      }
      Map<String, Integer> all = new HashMap<>(known);
      for (Map.Entry<String, Integer> e : types.entrySet()) {
        Integer had = all.get(e.getKey()); // no lambda (Map.merge): see package-info
        all.put(e.getKey(), (had == null ? 0 : had) | (e.getValue() << shift));
      }
      // A prefix is skipped only when no mask descends into it.
      String[] prefixes;
      if (notDescended == null) {
        prefixes = notDescendedByIt.clone();
      } else {
        List<String> both = new ArrayList<>();
        for (String p : notDescended) {
          if (List.of(notDescendedByIt).contains(p)) {
            both.add(p);
          }
        }
        prefixes = both.toArray(new String[0]);
      }
      usedBits = shift + bits;
      notDescended = prefixes;
      notDescendedNames = NamePrefixes.of(prefixes);
      known = Map.copyOf(all);
      tables = new Tables();
      return shift;
    }

    long tableBytes() {
      Tables t = tables;
      long bytes = t.boot.bytes();
      synchronized (t.byLoader) {
        for (Table table : t.byLoader.values()) {
          bytes += table.bytes();
        }
      }
      return bytes;
    }

    int loaders() {
      Tables t = tables;
      synchronized (t.byLoader) {
        return t.byLoader.size();
      }
    }

    /** The mask table of the entered loader, or null outside a scope. */
    private Table table(Object loader, Memo m) {
      if (loader == NONE) {
        return null;
      }
      Tables t = tables;
      if (loader == BOOT) {
        return t.boot;
      }
      if (m.tables == t && m.loader.get() == loader) {
        return m.table;
      }
      Table table;
      synchronized (t.byLoader) {
        table = t.byLoader.get((ClassLoader) loader); // no lambda (computeIfAbsent): see package-info
        if (table == null) {
          table = new Table();
          t.byLoader.put((ClassLoader) loader, table);
        }
      }
      m.tables = t;
      m.loader = new WeakReference<>((ClassLoader) loader);
      m.table = table;
      return table;
    }

    /** The mask of a class being transformed, from its header; kept in the thread's scope. */
    @SuppressWarnings("UnusedMethod") // called through the headerMask method handle
    int mask(ClassHeader header, ClassLoader loader) {
      Scope s = scope();
      if (s.header == header && s.walker == this) {
        memoHits.increment();
        return s.mask;
      }
      Table table = s.loader == NONE ? null : table(s.loader, memo());
      String name = header.className();
      long key = table == null ? 0 : Table.key(name);
      int mask = table == null ? -1 : table.find(key);
      if (mask != -1) {
        tableHits.increment(); // walked before, as a super type of a class loaded earlier
      } else {
        walks.increment();
        mask = walk(header, 0, table, loader);
        if (table != null && (mask & INCOMPLETE) == 0) {
          // Kept too: a class loaded before its subclasses is not read again for them.
          table.put(key, mask);
        }
        mask &= ~INCOMPLETE;
      }
      if (s != NO_SCOPE && this == SHARED) {
        s.header = header;
        s.walker = this;
        s.className = name;
        s.isInterface = header.isInterface();
        s.mask = mask;
      }
      return mask;
    }

    int mask(TypeDescription type) {
      Memo m = memo();
      if (m.type.get() == type) {
        memoHits.increment();
        return m.mask;
      }
      walks.increment();
      int mask = walk(type, 0, table(scope().loader, m)) & ~INCOMPLETE;
      m.type = new WeakReference<>(type);
      m.mask = mask;
      return mask;
    }

    private int walk(ClassHeader header, int depth, Table table, ClassLoader loader) {
      if (depth > MAX_DEPTH) {
        return INCOMPLETE;
      }
      String[] names;
      try {
        // The names first: reading a super type's header reuses the buffer this one may be in.
        names = header.superTypeNames();
      } catch (RuntimeException e) {
        return INCOMPLETE; // a malformed header: treat as none
      }
      int m = 0;
      for (String name : names) {
        m |= of(name, depth, table, loader);
      }
      return m;
    }

    /**
     * The mask of {@code name} when it is known without reading the type: a looked-for type, a
     * prefix not descended into, or in {@code table} (at {@code key}); otherwise -1 (never a mask:
     * bit 31 is reserved).
     */
    private int withoutReading(String name, Table table, long key) {
      Integer bits = known.get(name);
      if (bits != null) {
        return bits;
      }
      if (notDescendedNames.matches(name)) {
        return 0;
      }
      if (table != null) {
        int cached = table.find(key);
        if (cached != -1) {
          tableHits.increment();
          return cached;
        }
      }
      return -1;
    }

    /** The mask of the super type {@code name}, read through {@code loader} when not known. */
    private int of(String name, int depth, Table table, ClassLoader loader) {
      long key = table == null ? 0 : Table.key(name);
      int cheap = withoutReading(name, table, key);
      if (cheap != -1) {
        return cheap;
      }
      try {
        return (int) readAndWalk.invokeExact(this, name, depth, table, loader, key);
      } catch (Throwable t) {
        return INCOMPLETE; // readAndWalk catches what reading throws: only a failed link gets here
      }
    }

    /** {@link #of} for a type not known without reading it: reads its header and walks on. */
    @SuppressWarnings("UnusedMethod") // called through the readAndWalk method handle below
    private int readAndWalk(String name, int depth, Table table, ClassLoader loader, long key) {
      ClassHeader h = read(name, loader);
      if (h == null) {
        return INCOMPLETE; // unresolvable: counts as none, not kept
      }
      int m = walk(h, depth + 1, table, loader);
      if (table != null && (m & INCOMPLETE) == 0) {
        table.put(key, m);
      }
      return m;
    }

    /**
     * {@link #readAndWalk}, called through a method handle that the JIT cannot see through (a
     * non-final field is no constant), so that C2 does not inline the reading of a super type
     * (the class loader's and the jar file's look-ups) and the walk's recursion into the matching
     * code that runs for every class loaded. Called directly, the two hot matching lambdas grew to
     * over 50 KB of machine code each, and compiling them took C2 0.3 to 0.7 s of a 2-core
     * machine's start-up on the large Spring Boot application (JFR {@code jdk.Compilation}); a
     * read costs microseconds, the indirect call a few nanoseconds.
     */
    @SuppressWarnings("FieldCanBeFinal") // final would make it a constant the JIT inlines through
    private static MethodHandle readAndWalk =
        OutOfLine.virtual(
            MethodHandles.lookup(),
            Walker.class,
            "readAndWalk",
            MethodType.methodType(int.class, String.class, int.class, Table.class, ClassLoader.class, long.class));

    /**
     * Per thread, the buffers a super type's header is read into: the class file's bytes ({@code
     * [0]}) and its constant-pool index ({@code [1]}); valid until the thread's next read, which is
     * why the walk takes the names it needs from a header before reading the next. JDK types only
     * (see {@link #SCOPE}).
     */
    private static final ThreadLocal<Object[]> SCRATCH =
        new ThreadLocal<>() { // not a lambda: see package-info
          @Override
          protected Object[] initialValue() {
            return new Object[] {new byte[][] {new byte[8192]}, new int[512]};
          }
        };

    private ClassHeader read(String name, ClassLoader loader) {
      reads.increment();
      ClassLoader l = loader != null ? loader : ClassLoader.getPlatformClassLoader();
      // Taken out of the holder while in use: a class loaded on this thread while the stream is
      // opened or read (a nested transformation, whose walk reads too) gets buffers of its own.
      Object[] holder = SCRATCH.get();
      byte[][] bytes = (byte[][]) holder[0];
      int[] entries = (int[]) holder[1];
      holder[0] = null;
      holder[1] = null;
      try (InputStream in = ClassFileReader.open(l, name, scope().domain)) {
        if (in == null) {
          return null;
        }
        ClassHeader h = ClassHeader.read(in, bytes == null ? new byte[][] {new byte[8192]} : bytes, entries);
        if (h != null && h.entriesArray().length <= ClassHeader.MAX_ENTRIES_SCRATCH) {
          entries = h.entriesArray();
        }
        return h;
      } catch (IOException | RuntimeException e) {
        return null;
      } finally {
        if (bytes != null) {
          holder[0] = bytes;
          holder[1] = entries;
        }
      }
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
        long key = table == null ? 0 : Table.key(name);
        int cheap = withoutReading(name, table, key);
        if (cheap != -1) {
          return cheap;
        }
        int m = walk(erasure, depth + 1, table);
        if (table != null && (m & INCOMPLETE) == 0) {
          table.put(key, m);
        }
        return m;
      } catch (Throwable e) {
        return INCOMPLETE;
      }
    }
  }

  /** The tables of one generation of a walker: per class loader, and the bootstrap loader's. */
  private static final class Tables {
    final Map<ClassLoader, Table> byLoader = new java.util.WeakHashMap<>();
    final Table boot = new Table();
  }

  private static final class Memo {
    WeakReference<TypeDescription> type = new WeakReference<>(null);
    int mask;
    Tables tables;
    WeakReference<ClassLoader> loader = new WeakReference<>(null);
    Table table;
  }

  /**
   * Complete masks of super types, for one class loader, keyed by a 64-bit hash of the type's
   * name (no names kept): an open-addressed table that grows to {@value #MAX_SLOTS} entries and
   * then takes no more entries once three quarters full. Guarded by its own lock (held
   * for a look-up or an insertion only, never while a class file is read).
   */
  static final class Table {
    private long[] keys = new long[512];
    private int[] masks = new int[512];
    private int size;

    /** A 64-bit hash of {@code name}, never 0 (0 marks a free slot). */
    static long key(String name) {
      return key(name, name.length());
    }

    /**
     * A 64-bit hash of {@code name}'s first {@code end} characters, never 0 (also the package
     * hash of {@link PackageLocations}).
     */
    static long key(String name, int end) {
      long h = KEY_START;
      for (int i = 0; i < end; i++) {
        h = keyStep(h, name.charAt(i));
      }
      return keyEnd(h);
    }

    /**
     * The hash of {@link #key(String, int)}, a character at a time (for {@link
     * ClassHeader#packageKey}, which hashes a name's bytes): start with this, a {@link #keyStep}
     * per character, then {@link #keyEnd}.
     */
    static final long KEY_START = 0xcbf29ce484222325L;

    static long keyStep(long h, char c) {
      return (h ^ c) * 0x100000001b3L;
    }

    static long keyEnd(long h) {
      h ^= h >>> 29;
      return h == 0 ? 1 : h;
    }

    /** The mask kept for {@code key}, or -1. */
    synchronized int find(long key) {
      int n = keys.length - 1;
      for (int i = (int) key & n; ; i = (i + 1) & n) {
        long k = keys[i];
        if (k == key) {
          return masks[i];
        }
        if (k == 0) {
          return -1;
        }
      }
    }

    synchronized void put(long key, int mask) {
      if ((size + 1) * 4 > keys.length * 3) {
        if (keys.length == MAX_SLOTS) {
          return; // full: what is in stays, the rest is read again when needed
        }
        grow();
      }
      insert(key, mask);
    }

    private void insert(long key, int mask) {
      int n = keys.length - 1;
      for (int i = (int) key & n; ; i = (i + 1) & n) {
        if (keys[i] == key) {
          masks[i] = mask;
          return;
        }
        if (keys[i] == 0) {
          keys[i] = key;
          masks[i] = mask;
          size++;
          return;
        }
      }
    }

    private void grow() {
      long[] oldKeys = keys;
      int[] oldMasks = masks;
      keys = new long[oldKeys.length * 2];
      masks = new int[oldKeys.length * 2];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          insert(oldKeys[i], oldMasks[i]);
        }
      }
    }

    /** Bytes of the table's arrays. */
    synchronized long bytes() {
      return keys.length * 12L + 32;
    }

    /** Entries (for tests). */
    synchronized int size() {
      return size;
    }
  }
}
