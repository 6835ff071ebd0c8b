package dev.perfmon.config;

/**
 * Glob matching without {@code java.util.regex}, for class-name patterns ({@code
 * com.example.repo.*}) and operation globs ({@code budget.jdbc.*}).
 *
 * <p>Syntax: {@code *} matches any run of characters, including none and including dots (so {@code
 * com.example.*} also covers sub-packages); {@code ?} matches exactly one character; every other
 * character matches itself. There is no escaping: a literal {@code *} or {@code ?} in the text is
 * matched by the same wildcard, which is good enough for SQL such as {@code SELECT * ... = ?}.
 *
 * <p>Why not regexes: matching runs once per loaded class and per operation name on the agent's
 * hot paths, and a compiled {@code Pattern} allocates a {@code Matcher} on every call. This
 * matcher allocates nothing, is case-sensitive and runs in O(glob × text) in the worst case and
 * linear time for the usual one or two wildcards. Thread-safe (stateless).
 */
public final class Globs {
  private Globs() {}

  /** Whether {@code text} matches {@code glob} as a whole. */
  public static boolean matches(String glob, String text) {
    int g = 0;
    int t = 0;
    int starG = -1; // position of the last '*' seen in the glob
    int starT = -1; // text position that '*' currently stretches to
    int gl = glob.length();
    int tl = text.length();
    while (t < tl) {
      if (g < gl) {
        char c = glob.charAt(g);
        if (c == '*') {
          starG = g++;
          starT = t;
          continue;
        }
        if (c == '?' || c == text.charAt(t)) {
          g++;
          t++;
          continue;
        }
      }
      if (starG >= 0) {
        // Backtrack: let the last '*' swallow one more character. Earlier stars never need to
        // grow again, which is why this stays linear for the common shapes.
        g = starG + 1;
        t = ++starT;
        continue;
      }
      return false;
    }
    while (g < gl && glob.charAt(g) == '*') {
      g++;
    }
    return g == gl;
  }

  /** Whether the glob has no wildcard, i.e. matches only itself. */
  public static boolean isLiteral(String glob) {
    return glob.indexOf('*') < 0 && glob.indexOf('?') < 0;
  }

  /**
   * The characters before the first wildcard: every text the glob matches starts with them. Used
   * as a cheap pre-filter ({@code String.startsWith}) before the full match.
   */
  public static String literalPrefix(String glob) {
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        return glob.substring(0, i);
      }
    }
    return glob;
  }
}
