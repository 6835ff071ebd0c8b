package dev.perfmon.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps {@code PERFMON_*} environment variables back to keys, by comparison with each known key's
 * {@link ConfigKey#environmentVariable()}, so the mapping is never ambiguous. Key families cannot
 * be set this way (a glob does not survive the renaming); such a variable, and one that names no
 * key (with the nearest key when there is one), is reported and ignored.
 */
final class EnvironmentNames {
  private EnvironmentNames() {}

  /** Key to value for every variable that names a fixed key; problems for the others. */
  static Map<String, String> keys(Map<String, String> environment, List<String> problems) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(Source.ENV_PREFIX) || e.getValue() == null) {
        continue;
      }
      ConfigKey<?> key = keyNamed(name);
      if (key != null) {
        out.put(key.name(), e.getValue());
        continue;
      }
      KeyFamily<?> family = null;
      for (KeyFamily<?> f : Keys.families()) {
        if (name.startsWith(ConfigKey.envName(f.prefix()))) {
          family = f;
        }
      }
      if (family != null) {
        problems.add(
            "environment variable "
                + name
                + " ignored: '"
                + family.prefix()
                + "<glob>' entries cannot be set through the environment (a glob does not survive"
                + " the renaming); use an agent argument, a system property or the configuration"
                + " file, e.g. "
                + family.example());
        continue;
      }
      String suggestion = suggest(name);
      problems.add(
          "unknown environment variable "
              + name
              + (suggestion == null
                  ? " ignored; the known variables are listed in docs/configuration.md"
                  : ": did you mean " + suggestion + "? ignored"));
    }
    return out;
  }

  private static ConfigKey<?> keyNamed(String variable) {
    for (ConfigKey<?> k : Keys.all()) {
      if (k.environmentVariable().equals(variable)) {
        return k;
      }
    }
    return null;
  }

  /** The nearest known variable and its key, or null when none is within two edits. */
  private static String suggest(String variable) {
    String suggestion = null;
    String squashed = Typos.squash(variable.substring(Source.ENV_PREFIX.length()));
    int best = 3;
    for (ConfigKey<?> k : Keys.all()) {
      String other = Typos.squash(k.name());
      int d = other.equals(squashed) ? 0 : Typos.distance(squashed, other);
      if (d < best) {
        best = d;
        suggestion = k.environmentVariable() + " (key '" + k.name() + "')";
      }
    }
    return suggestion;
  }
}
