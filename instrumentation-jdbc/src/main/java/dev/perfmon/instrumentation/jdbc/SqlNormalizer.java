package dev.perfmon.instrumentation.jdbc;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Turns raw SQL into a literal-free, stable operation name.
 *
 * <p>A hand-written single-pass lexer splits the text into tokens; every literal becomes a {@code
 * ?} placeholder while lexing, so no literal text is ever copied into a token. A second pass over
 * the tokens decides context-dependent cases (double-quoted text and booleans in value positions),
 * collapses {@code IN} lists and multi-row {@code VALUES}, and renders the result.
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
 * <p>Backslashes: a single- or double-quoted string is first read with MySQL semantics (backslash
 * escapes the next character). When a quoted text holds a backslash, the statement is also read
 * with standard semantics (backslash is an ordinary character, as in PostgreSQL). If exactly one
 * reading leaves no string open, it is used (this repairs {@code 'C:\'}-style literals). Otherwise
 * the text is ambiguous: the MySQL reading is used, with every token that the standard reading takes
 * for a literal or a comment turned into a placeholder, so that neither reading can leak a literal.
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
    Lexer lexer = new Lexer(sql, true);
    List<Tok> toks = lexer.run();
    if (lexer.sawBackslash) {
      // The backslash conventions may read the text differently. When exactly one reading closes
      // all its strings, it is the statement's. When both do (or neither), the text is ambiguous:
      // keep the MySQL reading but hide every token that the standard reading takes for a literal
      // or a comment, so that a misreading never shows a literal (at worst the name is coarser).
      Lexer standard = new Lexer(sql, false);
      List<Tok> alt = standard.run();
      if (lexer.unterminatedString && !standard.unterminatedString) {
        toks = alt;
      } else if (lexer.unterminatedString == standard.unterminatedString) {
        toks = hide(toks, standard.hidden);
      }
    }
    resolveContext(toks);
    boolean[] drop = new boolean[toks.size()];
    collapse(toks, drop);
    dropTrailingSemicolons(toks, drop);
    String text = render(toks, drop);
    if (text.isEmpty()) {
      return new Result("{empty}", "{empty}");
    }
    return new Result(cut(text), cut(verbTable(toks, drop)));
  }

  /**
   * The tokens with each non-placeholder token that overlaps {@code hidden} made a placeholder,
   * and dropped when it follows a placeholder (a run becomes one {@code ?}).
   */
  private static List<Tok> hide(List<Tok> toks, BitSet hidden) {
    List<Tok> out = new ArrayList<>(toks.size());
    boolean dropped = false;
    for (Tok t : toks) {
      int bit = hidden.nextSetBit(t.from);
      if (t.kind != PH && bit >= 0 && bit < t.to) {
        if (!out.isEmpty() && out.get(out.size() - 1).kind == PH) {
          dropped = true;
          continue;
        }
        t.kind = PH;
        t.text = "?";
      }
      t.space |= dropped; // a dropped run keeps its neighbours apart
      dropped = false;
      out.add(t);
    }
    return out;
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

  // ---------------------------------------------------------------------------------------------
  // Tokens

  static final int WORD = 0; // keyword or unquoted identifier
  static final int QIDENT = 1; // back-quoted identifier (always kept)
  static final int DQUOTED = 2; // double-quoted: identifier, or a MySQL string in value position
  static final int PH = 3; // placeholder: a literal or a parameter
  static final int PUNCT = 4; // one punctuation/operator character
  static final int BOOL = 5; // TRUE / FALSE

  static final class Tok {
    int kind;
    String text;
    boolean space; // whitespace or a comment preceded this token
    int from; // source range [from, to)
    int to;

    Tok(int kind, String text, boolean space) {
      this.kind = kind;
      this.text = text;
      this.space = space;
    }

    boolean is(char c) {
      return kind == PUNCT && text.length() == 1 && text.charAt(0) == c;
    }

    boolean word(String w) {
      return kind == WORD && text.equalsIgnoreCase(w);
    }

    @Override
    public String toString() {
      return kind + ":" + text;
    }
  }

  private static final class Lexer {
    private final String s;
    private final int n;
    private final boolean backslashEscapes;
    private final List<Tok> out = new ArrayList<>();
    private boolean space;
    private int from; // start of the token being read
    boolean unterminatedString;
    /** A backslash inside a quoted text: the other backslash convention may read it differently. */
    boolean sawBackslash;
    /** The source positions this reading takes for literals and comments. */
    final BitSet hidden = new BitSet();

    Lexer(String s, boolean backslashEscapes) {
      this.s = s;
      this.n = s.length();
      this.backslashEscapes = backslashEscapes;
    }

    private char at(int i) {
      return i < n ? s.charAt(i) : '\0';
    }

    private void emit(int kind, String text, int to) {
      Tok t = new Tok(kind, text, space);
      t.from = from;
      t.to = to;
      out.add(t);
      space = false;
    }

    List<Tok> run() {
      int i = 0;
      while (i < n) {
        char c = s.charAt(i);
        int start = i;
        from = i;
        boolean literal = false;
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
          space = true;
          i++;
          continue;
        }
        if (c == '-' && at(i + 1) == '-') {
          i = lineEnd(i);
          hidden.set(start, i);
          space = true;
          continue;
        }
        if (c == '/' && at(i + 1) == '*') {
          i = blockCommentEnd(i);
          hidden.set(start, i);
          space = true;
          continue;
        }
        if (c == '#' && at(i + 1) != '>' && at(i + 1) != '-' && at(i + 1) != '#') {
          i = lineEnd(i);
          hidden.set(start, i);
          space = true;
          continue;
        }
        if (c == '\'') {
          i = stringEnd(i + 1, backslashEscapes);
          literal = true;
        } else if ((c == 'e' || c == 'E') && at(i + 1) == '\'' && wordStart(i)) {
          i = stringEnd(i + 2, true);
          literal = true;
        } else if ((c == 'n' || c == 'N' || c == 'x' || c == 'X' || c == 'b' || c == 'B')
            && at(i + 1) == '\'' && wordStart(i)) {
          i = stringEnd(i + 2, backslashEscapes);
          literal = true;
        } else if ((c == 'u' || c == 'U') && at(i + 1) == '&' && at(i + 2) == '\'' && wordStart(i)) {
          i = stringEnd(i + 3, false);
          literal = true;
        } else if (c == '"') {
          int end = quotedEnd(i + 1, '"', backslashEscapes);
          if (end < 0) {
            i = n;
            literal = true; // unterminated: may be a MySQL string, swallow it
            unterminatedString = true; // or a backslash misread: try the standard reading
          } else {
            emit(DQUOTED, s.substring(i, end), end);
            i = end;
            continue;
          }
        } else if (c == '`') {
          int end = quotedEnd(i + 1, '`', false);
          if (end < 0) {
            i = n;
            literal = true;
          } else {
            emit(QIDENT, s.substring(i, end), end);
            i = end;
            continue;
          }
        } else if (c == '$') {
          if (isDigit(at(i + 1))) {
            i = skipDigits(i + 1);
            emit(PH, "?", i);
            continue;
          }
          int tagEnd = dollarTagEnd(i);
          if (tagEnd > 0) {
            String tag = s.substring(i, tagEnd);
            int close = s.indexOf(tag, tagEnd);
            i = close < 0 ? n : close + tag.length();
            literal = true;
          } else {
            i++;
            emit(PUNCT, "$", i);
            continue;
          }
        } else if (c == '?') {
          i++;
          emit(PH, "?", i);
          continue;
        } else if (c == ':' && isWordStart(at(i + 1)) && (i == 0 || s.charAt(i - 1) != ':')) {
          i = wordEnd(i + 1);
          emit(PH, "?", i);
          continue;
        } else if (isDigit(c) || (c == '.' && isDigit(at(i + 1)) && !afterOperand())) {
          i = numberEnd(i);
          literal = true;
        } else if ((c == '-' || c == '+')
            && (isDigit(at(i + 1)) || (at(i + 1) == '.' && isDigit(at(i + 2))))
            && !afterOperand()) {
          i = numberEnd(i + 1);
          literal = true;
        } else if (isWordStart(c)) {
          int end = wordEnd(i);
          String w = s.substring(i, end);
          if (w.equalsIgnoreCase("TRUE") || w.equalsIgnoreCase("FALSE")) {
            emit(BOOL, w, end);
          } else {
            emit(WORD, w, end);
          }
          i = end;
          continue;
        } else {
          int cp = s.codePointAt(i);
          i += Character.charCount(cp);
          emit(PUNCT, s.substring(start, i), i);
          continue;
        }
        if (literal) {
          emit(PH, "?", i);
          hidden.set(start, i);
        }
      }
      return out;
    }

    /** True when the previous token ends an operand, so that a following sign is binary. */
    private boolean afterOperand() {
      if (out.isEmpty()) {
        return false;
      }
      Tok t = out.get(out.size() - 1);
      return switch (t.kind) {
        case PH, QIDENT, DQUOTED, BOOL -> true;
        case WORD -> !VALUE_KEYWORDS.contains(t.text.toUpperCase(Locale.ROOT));
        case PUNCT -> t.is(')') || t.is(']');
        default -> false;
      };
    }

    private boolean wordStart(int i) {
      return i == 0 || !isWordPart(s.charAt(i - 1));
    }

    private int lineEnd(int i) {
      while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
        i++;
      }
      return i;
    }

    /** End of a (nested, PostgreSQL-style) block comment; the end of input when unterminated. */
    private int blockCommentEnd(int i) {
      int depth = 0;
      while (i < n) {
        char c = s.charAt(i);
        if (c == '/' && at(i + 1) == '*') {
          depth++;
          i += 2;
        } else if (c == '*' && at(i + 1) == '/') {
          depth--;
          i += 2;
          if (depth == 0) {
            return i;
          }
        } else {
          i++;
        }
      }
      return n;
    }

    /** Index after the closing quote of a single-quoted string whose content starts at i. */
    private int stringEnd(int i, boolean backslash) {
      while (i < n) {
        char c = s.charAt(i);
        if (c == '\\') {
          sawBackslash = true;
        }
        if (backslash && c == '\\') {
          i += 2;
        } else if (c == '\'') {
          if (at(i + 1) == '\'') {
            i += 2;
          } else {
            return i + 1;
          }
        } else {
          i++;
        }
      }
      unterminatedString = true;
      return n;
    }

    /**
     * Index after the closing quote of a quoted identifier or MySQL double-quoted string, or -1
     * when unterminated. With {@code backslash}, a backslash escapes the next character (MySQL
     * strings: {@code "it\"s"}).
     */
    private int quotedEnd(int i, char q, boolean backslash) {
      while (i < n) {
        if (q == '"' && s.charAt(i) == '\\') {
          sawBackslash = true;
        }
        if (backslash && s.charAt(i) == '\\') {
          i += 2;
        } else if (s.charAt(i) == q) {
          if (at(i + 1) == q) {
            i += 2;
          } else {
            return i + 1;
          }
        } else {
          i++;
        }
      }
      return -1;
    }

    /** For a '$' at i: the index after a dollar-quote opening tag ($$ or $tag$), else -1. */
    private int dollarTagEnd(int i) {
      if (i > 0 && isWordPart(s.charAt(i - 1))) {
        return -1; // part of an identifier such as a$b
      }
      int j = i + 1;
      if (at(j) == '$') {
        return j + 1;
      }
      if (!(Character.isLetter(at(j)) || at(j) == '_')) {
        return -1;
      }
      while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
        j++;
      }
      return at(j) == '$' ? j + 1 : -1;
    }

    private int skipDigits(int i) {
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      return i;
    }

    /** End of a number starting at i (digits, hex, decimals, exponent, trailing word chars). */
    private int numberEnd(int i) {
      if (s.charAt(i) == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X')) {
        i += 2;
      } else {
        i = skipDigits(i);
        if (at(i) == '.') {
          i = skipDigits(i + 1);
        }
        if ((at(i) == 'e' || at(i) == 'E')
            && (isDigit(at(i + 1)) || ((at(i + 1) == '+' || at(i + 1) == '-') && isDigit(at(i + 2))))) {
          i = skipDigits(i + 2);
        }
      }
      // Anything glued to a number (0xFF, 1abc, 12L, 3.5f) belongs to the placeholder.
      while (i < n && isWordPart(s.charAt(i))) {
        i++;
      }
      return i;
    }

    private int wordEnd(int i) {
      while (i < n && isWordPart(s.charAt(i))) {
        i++;
      }
      return i;
    }
  }

  static final java.util.Set<String> VALUE_KEYWORDS =
      java.util.Set.of(
          "SELECT", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN", "RETURN", "VALUES", "VALUE",
          "BY", "LIMIT", "OFFSET", "IN", "IS", "BETWEEN", "LIKE", "ILIKE", "SET", "ON", "AS", "CASE",
          "HAVING", "TOP", "FETCH", "FIRST", "NEXT", "ROWS", "DEFAULT", "INTERVAL", "ESCAPE", "ANY",
          "ALL", "SOME", "EXISTS", "DISTINCT", "RETURNING", "REGEXP", "RLIKE", "SIMILAR", "TO");

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_' || c == '@' || (c > 0x7f && Character.isUnicodeIdentifierStart(c));
  }

  static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '@'
        || (c > 0x7f && Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c));
  }

  // ---------------------------------------------------------------------------------------------
  // Context pass: double-quoted text and booleans in value positions.

  private static void resolveContext(List<Tok> toks) {
    // Paren stack: true = a value list (IN (...), VALUES (...), and further VALUES rows).
    boolean[] stack = new boolean[16];
    int depth = 0;
    int valueDepth = 0; // how many value lists are open
    boolean lastClosedWasValues = false;
    for (int i = 0; i < toks.size(); i++) {
      Tok t = toks.get(i);
      Tok prev = i > 0 ? toks.get(i - 1) : null;
      if (t.is('(')) {
        boolean values =
            prev != null
                && (prev.word("IN") || prev.word("VALUES") || prev.word("VALUE")
                    || (prev.is(',') && lastClosedWasValues));
        if (depth == stack.length) {
          stack = java.util.Arrays.copyOf(stack, depth * 2);
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
      if (t.kind == DQUOTED && (valueDepth > 0 || comparison(prev))) {
        t.kind = PH;
        t.text = "?";
      } else if (t.kind == BOOL) {
        boolean afterIs =
            prev != null
                && (prev.word("IS") || (prev.word("NOT") && i > 1 && toks.get(i - 2).word("IS")));
        if (afterIs) {
          t.kind = WORD;
        } else {
          t.kind = PH;
          t.text = "?";
        }
      }
    }
  }

  private static boolean comparison(Tok prev) {
    if (prev == null) {
      return false;
    }
    if (prev.kind == PUNCT) {
      char c = prev.text.charAt(0);
      return c == '=' || c == '<' || c == '>' || c == '!' || c == '~';
    }
    return prev.word("LIKE") || prev.word("ILIKE") || prev.word("REGEXP") || prev.word("RLIKE");
  }

  // ---------------------------------------------------------------------------------------------
  // Collapsing IN lists and VALUES rows.

  private static void collapse(List<Tok> toks, boolean[] drop) {
    int[] match = matches(toks);
    for (int i = 0; i + 1 < toks.size(); i++) {
      Tok t = toks.get(i);
      if (drop[i] || !toks.get(i + 1).is('(')) {
        continue;
      }
      if (t.word("IN")) {
        int open = i + 1;
        int close = match[open];
        if (close > open + 1 && onlyPlaceholders(toks, open + 1, close)) {
          Tok first = toks.get(open + 1);
          first.kind = PH;
          first.text = "?";
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

  private static boolean onlyPlaceholders(List<Tok> toks, int from, int to) {
    for (int k = from; k < to; k++) {
      Tok t = toks.get(k);
      if (!(t.kind == PH || t.is(',') || t.is('(') || t.is(')'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * For each {@code (} token, the index of its matching {@code )} (-1 when unmatched); one pass, so
   * that many lists cost linear time rather than a scan to the end per list.
   */
  private static int[] matches(List<Tok> toks) {
    int[] match = new int[toks.size()];
    int[] open = new int[16];
    int depth = 0;
    for (int k = 0; k < toks.size(); k++) {
      match[k] = -1;
      Tok t = toks.get(k);
      if (t.is('(')) {
        if (depth == open.length) {
          open = java.util.Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = k;
      } else if (t.is(')') && depth > 0) {
        match[open[--depth]] = k;
      }
    }
    return match;
  }

  private static void dropTrailingSemicolons(List<Tok> toks, boolean[] drop) {
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

  private static String render(List<Tok> toks, boolean[] drop) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < toks.size(); k++) {
      if (drop[k]) {
        continue;
      }
      Tok t = toks.get(k);
      if (t.space && sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(t.text);
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Verb-table naming.

  private static final java.util.Set<String> MAIN_VERBS =
      java.util.Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT");
  private static final java.util.Set<String> DDL_VERBS =
      java.util.Set.of("CREATE", "DROP", "ALTER", "TRUNCATE");
  private static final java.util.Set<String> DDL_SKIP =
      java.util.Set.of(
          "TABLE", "INDEX", "VIEW", "SEQUENCE", "SCHEMA", "IF", "NOT", "EXISTS", "UNIQUE",
          "TEMPORARY", "TEMP", "OR", "REPLACE", "GLOBAL", "LOCAL", "MATERIALIZED", "FUNCTION",
          "PROCEDURE", "TRIGGER", "DATABASE", "ONLY", "LOW_PRIORITY", "IGNORE", "DELAYED",
          "QUICK", "CONCURRENTLY");

  static String verbTable(List<Tok> all, boolean[] drop) {
    List<Tok> toks = new ArrayList<>();
    for (int k = 0; k < all.size(); k++) {
      if (!drop[k]) {
        toks.add(all.get(k));
      }
    }
    int v = -1;
    for (int k = 0; k < toks.size(); k++) {
      if (toks.get(k).kind == WORD) {
        v = k;
        break;
      }
    }
    if (v < 0) {
      return render(all, drop);
    }
    String verb = toks.get(v).text.toUpperCase(Locale.ROOT);
    if (verb.equals("WITH")) {
      int depth = 0;
      for (int k = v + 1; k < toks.size(); k++) {
        Tok t = toks.get(k);
        if (t.is('(')) {
          depth++;
        } else if (t.is(')')) {
          depth--;
        } else if (depth == 0 && t.kind == WORD
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

  private static int skip(List<Tok> toks, int k) {
    while (k < toks.size()
        && toks.get(k).kind == WORD
        && DDL_SKIP.contains(toks.get(k).text.toUpperCase(Locale.ROOT))) {
      k++;
    }
    return k;
  }

  /** The name after the first {@code keyword} at the verb's nesting level. */
  private static String tableAfter(List<Tok> toks, int verb, String keyword) {
    int depth = 0;
    for (int k = verb + 1; k < toks.size(); k++) {
      Tok t = toks.get(k);
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
  private static String nameAt(List<Tok> toks, int k) {
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

  private static boolean isName(Tok t) {
    return t.kind == WORD || t.kind == QIDENT || t.kind == DQUOTED;
  }
}
