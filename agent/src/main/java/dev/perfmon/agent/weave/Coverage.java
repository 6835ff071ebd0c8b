package dev.perfmon.agent.weave;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each user pattern has woven so far: classes and methods, the first {@code maxListed}
 * methods by name, and the methods it selected but that were left as they are (skipped), with the
 * reason. A class's methods are recorded only once its transformation succeeded ({@link
 * #commit(Batch)}), so a class that the JVM never received woven lists nothing. Written by
 * transforming threads (class loading), read by the snapshot thread. Thread-safe (synchronized;
 * only touched when a class is transformed).
 */
public final class Coverage {
  /** One pattern's matches so far. */
  public record Entry(String pattern, int classes, int methods, List<String> listed, List<Skip> skipped) {}

  /**
   * A method the pattern selected that is not woven.
   *
   * @param method {@code a.b.C#name(parameter types)}
   * @param wovenCodeBytes for a method too large to instrument, the size its code would have had
   */
  public record Skip(String method, String reason, int wovenCodeBytes) {}

  /** What the transformation of one class would add; applied by {@link #commit} when it succeeded. */
  public static final class Batch {
    private record Woven(String pattern, String method) {}

    private record Left(String pattern, Skip skip) {}

    private final String className;
    private final List<Woven> woven = new ArrayList<>();
    private final List<Left> left = new ArrayList<>();

    public Batch(String className) {
      this.className = className;
    }

    public String className() {
      return className;
    }

    /** {@code pattern} wove {@code method} (its internal name) of this class. */
    public void matched(String pattern, String method) {
      woven.add(new Woven(pattern, method));
    }

    /** {@code pattern} selected a method of this class that is left as it is. */
    public void skipped(String pattern, Skip skip) {
      left.add(new Left(pattern, skip));
    }
  }

  /**
   * Skipped methods listed per pattern, whatever {@code coverage.max-listed} says: they are few
   * (each one is a method of nearly 64 KB of code) and the user must see them.
   */
  static final int MAX_SKIPPED_LISTED = 100;

  private final int maxListed;
  private final Map<String, Set<String>> classes = new LinkedHashMap<>();
  private final Map<String, Set<String>> methods = new LinkedHashMap<>();
  private final Map<String, Map<String, Skip>> skipped = new LinkedHashMap<>();
  private long version;
  private long reportedVersion = -1;

  public Coverage(List<String> patterns, int maxListed) {
    this.maxListed = maxListed;
    for (String p : patterns) {
      classes.put(p, new LinkedHashSet<>());
      methods.put(p, new LinkedHashSet<>());
      skipped.put(p, new LinkedHashMap<>());
    }
  }

  /** Records that {@code pattern} wove {@code method} (e.g. {@code com.x.Foo#bar}) in a class. */
  public synchronized void matched(String pattern, String className, String method) {
    Set<String> c = setOf(classes, pattern);
    Set<String> m = setOf(methods, pattern);
    boolean changed = c.add(className);
    changed |= m.add(className + "#" + method);
    if (changed) {
      version++;
    }
  }

  /** The set of {@code pattern} in {@code sets}, added when missing (no lambda while weaving). */
  private static Set<String> setOf(Map<String, Set<String>> sets, String pattern) {
    Set<String> s = sets.get(pattern);
    if (s == null) {
      s = new LinkedHashSet<>();
      sets.put(pattern, s);
    }
    return s;
  }

  /** Records that {@code pattern} selected a method that was not woven. */
  public synchronized void skipped(String pattern, Skip skip) {
    Map<String, Skip> s = skipped.get(pattern); // no lambdas (computeIfAbsent) while weaving
    if (s == null) {
      s = new LinkedHashMap<>();
      skipped.put(pattern, s);
    }
    setOf(methods, pattern);
    setOf(classes, pattern);
    if (!skip.equals(s.put(skip.method(), skip))) {
      version++;
    }
  }

  /** Records the matches of a class whose transformation succeeded. */
  public synchronized void commit(Batch batch) {
    for (Batch.Woven w : batch.woven) {
      matched(w.pattern(), batch.className, w.method());
    }
    for (Batch.Left l : batch.left) {
      skipped(l.pattern(), l.skip());
    }
  }

  public synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : methods.entrySet()) {
      out.add(
          new Entry(
              e.getKey(),
              classes.get(e.getKey()).size(),
              e.getValue().size(),
              first(e.getValue(), maxListed),
              first(skipped.get(e.getKey()).values(), MAX_SKIPPED_LISTED)));
    }
    return out;
  }

  private static <T> List<T> first(Iterable<T> items, int max) {
    List<T> listed = new ArrayList<>();
    for (T m : items) {
      if (listed.size() >= max) {
        break;
      }
      listed.add(m);
    }
    return listed;
  }

  /** Patterns that have selected nothing so far (neither woven nor skipped). */
  public synchronized List<String> unmatched() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : methods.entrySet()) {
      if (e.getValue().isEmpty() && skipped.get(e.getKey()).isEmpty()) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** True when something was matched since the last call that returned true. */
  public synchronized boolean takeChanged() {
    if (version == reportedVersion) {
      return false;
    }
    reportedVersion = version;
    return true;
  }
}
