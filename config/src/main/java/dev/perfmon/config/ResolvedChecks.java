package dev.perfmon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks that look at more than one value after every key is resolved: annotation names, and a
 * very-slow threshold below the slow one it pairs with.
 */
final class ResolvedChecks {
  private ResolvedChecks() {}

  /** The annotation names must be exact type names; bad ones are dropped and reported. */
  static void checkAnnotations(
      Map<String, Object> values, Map<String, String> sources, List<String> problems) {
    List<String> names = castList(values.get(Keys.ANNOTATIONS.name()));
    if (names == null) {
      return;
    }
    List<String> valid = new ArrayList<>();
    for (String name : names) {
      String n = name.startsWith("@") ? name.substring(1) : name;
      MethodPattern p = null;
      try {
        p = MethodPattern.parse("@" + n);
      } catch (IllegalArgumentException e) {
        // reported below
      }
      if (p == null || p.methodPattern() != null || p.operationName() != null) {
        problems.add(
            "invalid annotation type '"
                + name
                + "' (key 'annotations', from "
                + sources.get(Keys.ANNOTATIONS.name())
                + "): expected a fully qualified annotation type name such as"
                + " com.example.Timed; ignored");
      } else if (!valid.contains(n)) {
        valid.add(n);
      }
    }
    values.put(Keys.ANNOTATIONS.name(), Collections.unmodifiableList(valid));
  }

  /**
   * Warns when a very-slow threshold is below the slow one it pairs with: then every reported call
   * is very slow and none merely slow, which is hardly what was meant. Checked for the two fixed
   * keys and for each glob of {@code slow.threshold.<glob>} / {@code very-slow.threshold.<glob>}
   * (paired with the same glob of the other family, else with the other fixed key). 0 turns a
   * level off and is never compared. Both values apply as given.
   */
  static void checkThresholds(
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems) {
    compareThresholds(Keys.SLOW_THRESHOLD.name(), Keys.VERY_SLOW_THRESHOLD.name(), values, raw, sources, problems);
    Set<String> globs = new TreeSet<>();
    for (String key : raw.keySet()) {
      for (KeyFamily<?> f : List.of(Keys.SLOW_THRESHOLDS, Keys.VERY_SLOW_THRESHOLDS)) {
        if (Keys.familyOf(key) == f) {
          globs.add(key.substring(f.prefix().length()));
        }
      }
    }
    for (String glob : globs) {
      String slow = Keys.SLOW_THRESHOLDS.prefix() + glob;
      String verySlow = Keys.VERY_SLOW_THRESHOLDS.prefix() + glob;
      compareThresholds(
          raw.containsKey(slow) ? slow : Keys.SLOW_THRESHOLD.name(),
          raw.containsKey(verySlow) ? verySlow : Keys.VERY_SLOW_THRESHOLD.name(),
          values,
          raw,
          sources,
          problems);
    }
  }

  private static void compareThresholds(
      String slowKey,
      String verySlowKey,
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems) {
    Duration slow = threshold(slowKey, values, raw);
    Duration verySlow = threshold(verySlowKey, values, raw);
    if (slow.isZero() || verySlow.isZero() || verySlow.compareTo(slow) >= 0) {
      return;
    }
    String v = Durations.format(verySlow);
    problems.add(
        verySlowKey
            + "="
            + v
            + " ("
            + origin(verySlowKey, sources)
            + ") is below "
            + slowKey
            + "="
            + Durations.format(slow)
            + " ("
            + origin(slowKey, sources)
            + "): every call from "
            + v
            + " on is reported as very slow and none as slow; expected a very-slow threshold above"
            + " the slow one (or 0 to turn very-slow off); both values are used as given");
  }

  private static String origin(String key, Map<String, String> sources) {
    String source = sources.get(key);
    return source == null ? "default" : "from " + source;
  }

  private static Duration threshold(String key, Map<String, Object> values, Map<String, String> raw) {
    ConfigKey<?> fixed = Keys.byName(key);
    if (fixed != null) {
      Object v = values.get(key);
      return (Duration) (v != null ? v : fixed.defaultValue());
    }
    return Types.DURATION.parse(raw.get(key));
  }

  @SuppressWarnings("unchecked")
  static List<String> castList(Object o) {
    return (List<String>) o;
  }
}
