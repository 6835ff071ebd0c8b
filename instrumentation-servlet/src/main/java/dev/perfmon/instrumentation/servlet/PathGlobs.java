package dev.perfmon.instrumentation.servlet;

/**
 * Glob matching of request paths for {@code servlet.exclude} and {@code servlet.name-rules}: {@code
 * *} matches any run of characters including {@code /} (so {@code /api/*} covers {@code /api/a/b}),
 * {@code ?} exactly one character, anything else itself; case-sensitive; whole-text match.
 *
 * <p>Same grammar as {@code dev.perfmon.config.Globs}, which was not yet released when this module
 * was written; kept local so that the servlet module does not depend on unreleased config code.
 * Allocation-free, stateless, thread-safe.
 */
final class PathGlobs {
  private PathGlobs() {}

  static boolean matches(String glob, String text) {
    int g = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (g < glob.length() && glob.charAt(g) != '*'
          && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
        g++;
        t++;
      } else if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        mark = t;
      } else if (star >= 0) {
        g = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }
}
