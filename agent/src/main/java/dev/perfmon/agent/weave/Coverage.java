package dev.perfmon.agent.weave;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each user pattern has matched so far: classes and methods, the first {@code maxListed}
 * methods by name. Written by transforming threads (class loading), read by the snapshot thread.
 * Thread-safe (synchronized; only touched when a class is transformed).
 */
public final class Coverage {
  /** One pattern's matches so far. */
  public record Entry(String pattern, int classes, int methods, List<String> listed) {}

  private final int maxListed;
  private final Map<String, Set<String>> classes = new LinkedHashMap<>();
  private final Map<String, Set<String>> methods = new LinkedHashMap<>();
  private long version;
  private long reportedVersion = -1;

  public Coverage(List<String> patterns, int maxListed) {
    this.maxListed = maxListed;
    for (String p : patterns) {
      classes.put(p, new LinkedHashSet<>());
      methods.put(p, new LinkedHashSet<>());
    }
  }

  /** Records that {@code pattern} wove {@code method} (e.g. {@code com.x.Foo#bar}) in a class. */
  public synchronized void matched(String pattern, String className, String method) {
    Set<String> c = classes.computeIfAbsent(pattern, k -> new LinkedHashSet<>());
    Set<String> m = methods.computeIfAbsent(pattern, k -> new LinkedHashSet<>());
    boolean changed = c.add(className);
    changed |= m.add(className + "#" + method);
    if (changed) {
      version++;
    }
  }

  public synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : methods.entrySet()) {
      List<String> listed = new ArrayList<>();
      for (String m : e.getValue()) {
        if (listed.size() >= maxListed) {
          break;
        }
        listed.add(m);
      }
      out.add(new Entry(e.getKey(), classes.get(e.getKey()).size(), e.getValue().size(), listed));
    }
    return out;
  }

  /** Patterns that have matched nothing so far. */
  public synchronized List<String> unmatched() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : methods.entrySet()) {
      if (e.getValue().isEmpty()) {
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
