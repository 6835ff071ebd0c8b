package dev.perfmon.agent.weave;

import dev.perfmon.config.Globs;

/**
 * The hint for a method pattern that matched nothing because it names a nested class with a dot
 * ({@code com.example.Outer.Inner#run}), where the JVM's name has a {@code $} ({@code
 * com.example.Outer$Inner}): tried on the names of the loaded classes, off the hot path, when an
 * unmatched pattern is reported.
 */
public final class NestedClassHint {
  private NestedClassHint() {}

  /**
   * The pattern written with {@code $} for the last one, two, ... dots of its class part, the
   * first form of which names a loaded class; null when none does (or the pattern has no dot to
   * replace).
   */
  public static String suggest(String pattern, Iterable<String> loadedClassNames) {
    int start = pattern.startsWith("+") || pattern.startsWith("@") ? 1 : 0;
    int end = pattern.length();
    for (int i = start; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '#' || c == '=' || c == '(') {
        end = i;
        break;
      }
    }
    String classPart = pattern.substring(start, end);
    if (classPart.indexOf('$') >= 0) {
      return null;
    }
    int dots = 0;
    for (int i = 0; i < classPart.length(); i++) {
      dots += classPart.charAt(i) == '.' ? 1 : 0;
    }
    // Outer.Inner -> Outer$Inner; Outer.Inner.Deep -> Outer.Inner$Deep, then Outer$Inner$Deep.
    for (int k = 1; k < dots; k++) {
      StringBuilder candidate = new StringBuilder(classPart);
      int replaced = 0;
      for (int i = candidate.length() - 1; i >= 0 && replaced < k; i--) {
        if (candidate.charAt(i) == '.') {
          candidate.setCharAt(i, '$');
          replaced++;
        }
      }
      String glob = candidate.toString();
      for (String name : loadedClassNames) {
        if (name.indexOf('$') >= 0 && Globs.matches(glob, name)) {
          return pattern.substring(0, start) + glob + pattern.substring(end);
        }
      }
    }
    return null;
  }
}
