package dev.perfmon.agent.events;

import dev.perfmon.config.Globs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-operation settings keyed by operation glob ({@code slow.threshold.<glob>}, {@code
 * budget.<glob>}), resolved for one operation name.
 *
 * <p>Resolution: among the globs that match the name, the <b>most specific</b> wins: a glob without
 * wildcards (the exact name) beats every wildcard glob; otherwise the glob with more literal
 * (non-wildcard) characters wins; a tie goes to the glob that sorts first. Configuration sources do
 * not keep the order in which keys were written, so "the first listed" could not be honoured; the
 * most specific rule gives the same answer whatever the order, e.g. {@code slow.threshold.jdbc.*=200ms}
 * and {@code slow.threshold.jdbc.SELECT*=50ms} give 50ms to {@code jdbc.SELECT 1} and 200ms to
 * {@code jdbc.INSERT ...}.
 *
 * <p>Immutable and thread-safe. Resolution is linear in the number of globs; callers cache the
 * result per operation.
 */
public final class GlobTable<T> {
  private record Entry<T>(String glob, T value, boolean literal, int literalChars) {}

  private final List<Entry<T>> entries;

  /** @param byGlob glob to value, iterated in glob order (e.g. {@code AgentConfig.prefixed}) */
  public GlobTable(Map<String, T> byGlob) {
    List<Entry<T>> list = new ArrayList<>();
    for (Map.Entry<String, T> e : byGlob.entrySet()) {
      String g = e.getKey();
      int literalChars = 0;
      for (int i = 0; i < g.length(); i++) {
        char c = g.charAt(i);
        if (c != '*' && c != '?') {
          literalChars++;
        }
      }
      list.add(new Entry<>(g, e.getValue(), Globs.isLiteral(g), literalChars));
    }
    this.entries = List.copyOf(list);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The value of the most specific glob matching {@code name}, or {@code fallback}. */
  public T resolve(String name, T fallback) {
    Entry<T> best = best(name);
    return best == null ? fallback : best.value;
  }

  /** The glob that {@link #resolve} would use for {@code name}, or null (for messages). */
  String globFor(String name) {
    Entry<T> best = best(name);
    return best == null ? null : best.glob;
  }

  private Entry<T> best(String name) {
    Entry<T> best = null;
    for (Entry<T> e : entries) {
      if (!Globs.matches(e.glob, name)) {
        continue;
      }
      if (best == null
          || (e.literal && !best.literal)
          || (e.literal == best.literal && e.literalChars > best.literalChars)) {
        best = e;
      }
    }
    return best;
  }
}
