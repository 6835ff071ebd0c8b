package dev.perfmon.config;

import java.util.Locale;

/**
 * "Did you mean" suggestions for unknown keys. A known key is suggested when it differs by at most
 * two edits (insert, delete, substitute, or swap of neighbours), or only in case and the
 * separators {@code -}, {@code _} and {@code .} ({@code maxOperations}, {@code max_operations}).
 * Also recognised: a {@code perfmon.} prefix where keys are written bare, and a misspelt family
 * prefix ({@code budgets.jdbc.*}).
 */
final class Typos {
  private Typos() {}

  private static final int MAX_EDITS = 2;

  /** The known key (or family entry) {@code unknown} was probably meant to be, or null. */
  static String suggest(String unknown) {
    if (unknown.startsWith("perfmon.") && unknown.length() > "perfmon.".length()) {
      String bare = unknown.substring("perfmon.".length());
      if (Keys.byName(bare) != null || familyEntry(bare)) {
        return bare;
      }
      String inner = suggest(bare);
      if (inner != null) {
        return inner;
      }
    }
    String best = null;
    int bestDistance = MAX_EDITS + 1;
    String squashed = squash(unknown);
    for (ConfigKey<?> k : Keys.all()) {
      if (squash(k.name()).equals(squashed)) {
        return k.name();
      }
      int d = distance(unknown, k.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = k.name();
      }
    }
    if (best != null) {
      return best;
    }
    // A family prefix with a typo in it: try the dots near the prefix's length as the split point.
    for (KeyFamily<?> f : Keys.families()) {
      String prefix = f.prefix().substring(0, f.prefix().length() - 1);
      for (int i = Math.max(1, prefix.length() - MAX_EDITS);
          i <= Math.min(unknown.length() - 2, prefix.length() + MAX_EDITS);
          i++) {
        if (unknown.charAt(i) != '.') {
          continue;
        }
        String head = unknown.substring(0, i);
        if (squash(head).equals(squash(prefix)) || distance(head, prefix) <= MAX_EDITS) {
          return f.prefix() + unknown.substring(i + 1);
        }
      }
    }
    return null;
  }

  private static boolean familyEntry(String key) {
    KeyFamily<?> f = Keys.familyOf(key);
    return f != null && key.length() > f.prefix().length();
  }

  /** Lower case without the separators {@code -}, {@code _} and {@code .}. */
  static String squash(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '-' && c != '_' && c != '.') {
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /** Optimal string alignment distance (Levenshtein plus swaps of adjacent characters). */
  static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > MAX_EDITS) {
      return Math.abs(n - m);
    }
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[n][m];
  }
}
