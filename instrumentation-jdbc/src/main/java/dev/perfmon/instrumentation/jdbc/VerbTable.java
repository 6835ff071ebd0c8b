package dev.perfmon.instrumentation.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The verb-table form of a statement ({@code SELECT orders}, {@code INSERT events}, {@code CREATE
 * users}): the first word, or the main verb after a {@code WITH} clause, and the possibly qualified
 * name after {@code FROM} / {@code INTO} at the verb's nesting level (or right after it for {@code
 * UPDATE}, {@code CALL}, {@code EXEC} and DDL, past words such as {@code TABLE IF NOT EXISTS}).
 */
final class VerbTable {
  private VerbTable() {}

  private static final Set<String> MAIN_VERBS =
      Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT");
  private static final Set<String> DDL_VERBS =
      Set.of("CREATE", "DROP", "ALTER", "TRUNCATE");
  private static final Set<String> DDL_SKIP =
      Set.of(
          "TABLE", "INDEX", "VIEW", "SEQUENCE", "SCHEMA", "IF", "NOT", "EXISTS", "UNIQUE",
          "TEMPORARY", "TEMP", "OR", "REPLACE", "GLOBAL", "LOCAL", "MATERIALIZED", "FUNCTION",
          "PROCEDURE", "TRIGGER", "DATABASE", "ONLY", "LOW_PRIORITY", "IGNORE", "DELAYED",
          "QUICK", "CONCURRENTLY");

  static String of(List<SqlToken> all, boolean[] drop) {
    List<SqlToken> toks = new ArrayList<>();
    for (int k = 0; k < all.size(); k++) {
      if (!drop[k]) {
        toks.add(all.get(k));
      }
    }
    int v = -1;
    for (int k = 0; k < toks.size(); k++) {
      if (toks.get(k).kind == SqlToken.WORD) {
        v = k;
        break;
      }
    }
    if (v < 0) {
      return SqlRenderer.render(all, drop);
    }
    String verb = toks.get(v).text.toUpperCase(Locale.ROOT);
    if (verb.equals("WITH")) {
      int depth = 0;
      for (int k = v + 1; k < toks.size(); k++) {
        SqlToken t = toks.get(k);
        if (t.is('(')) {
          depth++;
        } else if (t.is(')')) {
          depth--;
        } else if (depth == 0 && t.kind == SqlToken.WORD
            && MAIN_VERBS.contains(t.text.toUpperCase(Locale.ROOT))) {
          v = k;
          verb = t.text.toUpperCase(Locale.ROOT);
          break;
        }
      }
    }
    String table =
        switch (verb) {
          case "SELECT", "DELETE" -> tableAfter(toks, v, "FROM");
          case "INSERT", "REPLACE", "MERGE", "UPSERT" -> tableAfter(toks, v, "INTO");
          case "UPDATE", "CALL", "EXEC", "EXECUTE" -> nameAt(toks, skip(toks, v + 1));
          default -> DDL_VERBS.contains(verb) ? nameAt(toks, skip(toks, v + 1)) : null;
        };
    return table == null ? verb : verb + " " + table;
  }

  private static int skip(List<SqlToken> toks, int k) {
    while (k < toks.size()
        && toks.get(k).kind == SqlToken.WORD
        && DDL_SKIP.contains(toks.get(k).text.toUpperCase(Locale.ROOT))) {
      k++;
    }
    return k;
  }

  /** The name after the first {@code keyword} at the verb's nesting level. */
  private static String tableAfter(List<SqlToken> toks, int verb, String keyword) {
    int depth = 0;
    for (int k = verb + 1; k < toks.size(); k++) {
      SqlToken t = toks.get(k);
      if (t.is('(')) {
        depth++;
      } else if (t.is(')')) {
        depth--;
        if (depth < 0) {
          return null;
        }
      } else if (depth == 0 && t.word(keyword)) {
        return nameAt(toks, skip(toks, k + 1));
      }
    }
    return null;
  }

  /** A possibly qualified name (a.b.c) starting at k, or null. */
  private static String nameAt(List<SqlToken> toks, int k) {
    if (k >= toks.size() || !isName(toks.get(k))) {
      return null;
    }
    StringBuilder sb = new StringBuilder(toks.get(k).text);
    while (k + 2 < toks.size()
        && toks.get(k + 1).is('.')
        && !toks.get(k + 1).space
        && isName(toks.get(k + 2))
        && !toks.get(k + 2).space) {
      sb.append('.').append(toks.get(k + 2).text);
      k += 2;
    }
    return sb.toString();
  }

  private static boolean isName(SqlToken t) {
    return t.kind == SqlToken.WORD || t.kind == SqlToken.QIDENT || t.kind == SqlToken.DQUOTED;
  }
}
