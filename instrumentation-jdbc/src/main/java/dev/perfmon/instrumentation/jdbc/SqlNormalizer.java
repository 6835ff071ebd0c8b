package dev.perfmon.instrumentation.jdbc;

import java.util.List;

/**
 * Turns raw SQL into a literal-free, stable operation name.
 *
 * <p>A hand-written single-pass lexer ({@link SqlLexer}) splits the text into tokens; every literal
 * becomes a {@code ?} placeholder while lexing, so no literal text is ever copied into a token. The
 * renderer ({@link SqlRenderer}) decides context-dependent cases (double-quoted text and booleans
 * in value positions), collapses {@code IN} lists and multi-row {@code VALUES}, and renders the
 * result; {@link VerbTable} reads the verb-table form from the same tokens.
 *
 * <p>Rules (see the README for the user-facing version):
 *
 * <ul>
 *   <li>Literals become {@code ?}: single-quoted strings ({@code ''} and backslash escapes), {@code
 *       E'..'}, {@code N'..'}, {@code X'..'}, {@code B'..'}, {@code U&'..'}, dollar-quoted strings
 *       ({@code $$..$$}, {@code $tag$..$tag$}), numbers (with decimals, exponents, a sign in value
 *       position, and any token that starts with a digit), hex {@code 0xFF}, and {@code TRUE}/{@code
 *       FALSE} except after {@code IS} / {@code IS NOT}.
 *   <li>Parameters {@code ?}, {@code $1}, {@code :name} become {@code ?}.
 *   <li>Double-quoted and back-quoted identifiers are kept. A double-quoted token in a value
 *       position (after a comparison operator or {@code LIKE}, or anywhere inside an {@code IN} or
 *       {@code VALUES} list) is treated as a MySQL string and becomes {@code ?}.
 *   <li>Comments ({@code --}, {@code #}, nested block comments) are removed; {@code #} followed by
 *       {@code >}, {@code -} or {@code #} is an operator (PostgreSQL JSON operators).
 *   <li>Whitespace runs become one space; the text is trimmed; trailing semicolons are dropped.
 *       Keyword and identifier case is preserved.
 *   <li>{@code IN (?, ?, ?)} becomes {@code IN (?)}; {@code VALUES (..), (..), (..)} keeps only its
 *       first row.
 *   <li>Unterminated strings, quoted identifiers and comments swallow the rest of the input as one
 *       placeholder (or nothing, for comments): malformed input never throws and never leaks.
 *   <li>The result is cut at {@code maxLength} characters, followed by {@link #TRUNCATION_MARKER}.
 * </ul>
 *
 * <p>Backslash conventions differ between databases: see {@link SqlLexer} for how a text is read
 * when they would read it differently.
 *
 * <p>Thread-safe and stateless apart from the configured limit.
 */
public final class SqlNormalizer {
  /** Appended to normalised SQL that was cut at the maximum length. */
  public static final String TRUNCATION_MARKER = "...";

  private final int maxLength;

  public SqlNormalizer(int maxLength) {
    this.maxLength = Math.max(1, maxLength);
  }

  /** Both renderings of one statement. */
  public static final class Result {
    /** The normalised SQL, at most {@code maxLength} characters plus the marker. */
    public final String sql;
    /** {@code VERB table} (or {@code VERB} when there is no table), for the verb-table name mode. */
    public final String verbTable;

    Result(String sql, String verbTable) {
      this.sql = sql;
      this.verbTable = verbTable;
    }
  }

  /** The normalised form of {@code sql}; {@code "{empty}"} for null or blank input. */
  public String normalize(String sql) {
    return normalizeBoth(sql).sql;
  }

  /** Normalised SQL and the verb-table form. Never throws for any input. */
  public Result normalizeBoth(String sql) {
    if (sql == null) {
      return new Result("{empty}", "{empty}");
    }
    List<SqlToken> toks = SqlLexer.tokenize(sql);
    SqlRenderer rendered = SqlRenderer.of(toks);
    String text = rendered.sql();
    if (text.isEmpty()) {
      return new Result("{empty}", "{empty}");
    }
    return new Result(cut(text), cut(rendered.verbTable()));
  }

  private String cut(String text) {
    if (text.length() <= maxLength) {
      return text;
    }
    int end = maxLength;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + TRUNCATION_MARKER;
  }
}
