package dev.perfmon.instrumentation.jdbc;

import java.util.Arrays;
import java.util.List;

/**
 * Turns the lexer's tokens into the normalised text, in passes over the token list: the context
 * pass (a double-quoted text in a value position, or anywhere inside an {@code IN} or {@code
 * VALUES} list, is a MySQL string and becomes {@code ?}; {@code TRUE}/{@code FALSE} become {@code
 * ?} except after {@code IS} / {@code IS NOT}), then {@code IN (?, ?, ?)} collapses to {@code IN
 * (?)}, a multi-row {@code VALUES} keeps its first row and trailing semicolons go; the tokens left
 * are joined, one space where the source had whitespace or a comment. The verb-table form is read
 * from the same tokens by {@link VerbTable}.
 */
final class SqlRenderer {
  private final List<SqlToken> toks;
  private final boolean[] drop;

  private SqlRenderer(List<SqlToken> toks) {
    this.toks = toks;
    this.drop = new boolean[toks.size()];
  }

  /** Runs the passes over {@code toks} (which they change in place). */
  static SqlRenderer of(List<SqlToken> toks) {
    SqlRenderer r = new SqlRenderer(toks);
    resolveContext(toks);
    collapse(toks, r.drop);
    dropTrailingSemicolons(toks, r.drop);
    return r;
  }

  /** The normalised SQL, untruncated; empty when no token is left. */
  String sql() {
    return render(toks, drop);
  }

  /** {@code VERB table}, {@code VERB}, or the normalised SQL when there is no verb. */
  String verbTable() {
    return VerbTable.of(toks, drop);
  }

  // Context pass: double-quoted text and booleans in value positions.

  private static void resolveContext(List<SqlToken> toks) {
    // Paren stack: true = a value list (IN (...), VALUES (...), and further VALUES rows).
    boolean[] stack = new boolean[16];
    int depth = 0;
    int valueDepth = 0; // how many value lists are open
    boolean lastClosedWasValues = false;
    for (int i = 0; i < toks.size(); i++) {
      SqlToken t = toks.get(i);
      SqlToken prev = i > 0 ? toks.get(i - 1) : null;
      if (t.is('(')) {
        boolean values =
            prev != null
                && (prev.word("IN") || prev.word("VALUES") || prev.word("VALUE")
                    || (prev.is(',') && lastClosedWasValues));
        if (depth == stack.length) {
          stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = values;
        if (values) {
          valueDepth++;
        }
        lastClosedWasValues = false;
        continue;
      }
      if (t.is(')')) {
        if (depth > 0) {
          boolean values = stack[--depth];
          if (values) {
            valueDepth--;
          }
          lastClosedWasValues = values;
        }
        continue;
      }
      if (!t.is(',')) {
        lastClosedWasValues = false;
      }
      if (t.kind == SqlToken.DQUOTED && (valueDepth > 0 || comparison(prev))) {
        t.hide();
      } else if (t.kind == SqlToken.BOOL) {
        boolean afterIs =
            prev != null
                && (prev.word("IS") || (prev.word("NOT") && i > 1 && toks.get(i - 2).word("IS")));
        if (afterIs) {
          t.kind = SqlToken.WORD;
        } else {
          t.hide();
        }
      }
    }
  }

  private static boolean comparison(SqlToken prev) {
    if (prev == null) {
      return false;
    }
    if (prev.kind == SqlToken.PUNCT) {
      char c = prev.text.charAt(0);
      return c == '=' || c == '<' || c == '>' || c == '!' || c == '~';
    }
    return prev.word("LIKE") || prev.word("ILIKE") || prev.word("REGEXP") || prev.word("RLIKE");
  }

  // Collapsing IN lists and VALUES rows.

  private static void collapse(List<SqlToken> toks, boolean[] drop) {
    int[] match = matches(toks);
    for (int i = 0; i + 1 < toks.size(); i++) {
      SqlToken t = toks.get(i);
      if (drop[i] || !toks.get(i + 1).is('(')) {
        continue;
      }
      if (t.word("IN")) {
        int open = i + 1;
        int close = match[open];
        if (close > open + 1 && onlyPlaceholders(toks, open + 1, close)) {
          SqlToken first = toks.get(open + 1);
          first.hide();
          first.space = false;
          for (int k = open + 2; k < close; k++) {
            drop[k] = true;
          }
          toks.get(close).space = false;
        }
      } else if (t.word("VALUES") || t.word("VALUE")) {
        int end = match[i + 1];
        if (end < 0) {
          continue;
        }
        int k = end + 1;
        int last = end;
        while (k + 1 < toks.size() && toks.get(k).is(',') && toks.get(k + 1).is('(')) {
          int close = match[k + 1];
          if (close < 0) {
            break;
          }
          last = close;
          k = close + 1;
        }
        for (int d = end + 1; d <= last; d++) {
          drop[d] = true;
        }
      }
    }
  }

  private static boolean onlyPlaceholders(List<SqlToken> toks, int from, int to) {
    for (int k = from; k < to; k++) {
      SqlToken t = toks.get(k);
      if (!(t.kind == SqlToken.PH || t.is(',') || t.is('(') || t.is(')'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * For each {@code (} token, the index of its matching {@code )} (-1 when unmatched); one pass, so
   * that many lists cost linear time rather than a scan to the end per list.
   */
  private static int[] matches(List<SqlToken> toks) {
    int[] match = new int[toks.size()];
    int[] open = new int[16];
    int depth = 0;
    for (int k = 0; k < toks.size(); k++) {
      match[k] = -1;
      SqlToken t = toks.get(k);
      if (t.is('(')) {
        if (depth == open.length) {
          open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = k;
      } else if (t.is(')') && depth > 0) {
        match[open[--depth]] = k;
      }
    }
    return match;
  }

  private static void dropTrailingSemicolons(List<SqlToken> toks, boolean[] drop) {
    for (int k = toks.size() - 1; k >= 0; k--) {
      if (drop[k]) {
        continue;
      }
      if (toks.get(k).is(';')) {
        drop[k] = true;
      } else {
        return;
      }
    }
  }

  static String render(List<SqlToken> toks, boolean[] drop) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < toks.size(); k++) {
      if (drop[k]) {
        continue;
      }
      SqlToken t = toks.get(k);
      if (t.space && sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(t.text);
    }
    return sb.toString();
  }
}
