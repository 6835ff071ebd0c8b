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
 * dependencies) count as none rather than failing the match. Byte Buddy's {@code hasSuperType}
 * walks again for every matcher and builds its work queue through reflection.
 *
 * <p>Thread-safe; the memo holds the last type only weakly.
 */
public final class SuperTypeMask {
  private static final int MAX_DEPTH = 32;

  private final Map<String, Integer> known;
  private final String[] notDescended;
  private final String[] irrelevant;
  private final ThreadLocal<Memo> memo = ThreadLocal.withInitial(Memo::new);

  /** Hierarchy walks done, and walks saved by the memo (diagnostics and tests). */
  public final LongAdder walks = new LongAdder();

  public final LongAdder memoHits = new LongAdder();

  /**
   * @param known the types looked for, with their bits; the walk stops at a known type, so one
   *     that extends another known type carries both bits (e.g. PreparedStatement)
   * @param notDescended name prefixes whose types are not walked into unless {@code known}
   * @param irrelevant name prefixes of types that never have any of the bits (mask 0, no walk)
   */
  public SuperTypeMask(Map<String, Integer> known, String[] notDescended, String[] irrelevant) {
    this.known = Map.copyOf(known);
    this.notDescended = notDescended.clone();
    this.irrelevant = irrelevant.clone();
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
    Memo m = memo.get();
    if (m.type.get() == type) {
      memoHits.increment();
      return m.mask;
    }
    walks.increment();
    int mask = walk(type, 0);
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

  private int walk(TypeDefinition type, int depth) {
    if (depth > MAX_DEPTH) {
      return 0;
    }
    int m = 0;
    try {
      for (TypeDescription.Generic i : type.getInterfaces()) {
        m |= of(i, depth);
      }
    } catch (Throwable t) {
      // unresolvable interface list: treat as none
    }
    try {
      TypeDescription.Generic sup = type.getSuperClass();
      if (sup != null) {
        m |= of(sup, depth);
      }
    } catch (Throwable t) {
      // unresolvable super class: treat as none
    }
    return m;
  }

  private int of(TypeDescription.Generic t, int depth) {
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
      return walk(erasure, depth + 1);
    } catch (Throwable e) {
      return 0;
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
  }
}
