package dev.perfmon.instrumentation.jdbc;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a SQL text into {@link SqlToken}s in one pass; every literal becomes a placeholder while
 * lexing, so no literal text is ever copied into a token. Comments and whitespace are dropped and
 * only mark the next token as spaced.
 *
 * <p>Backslashes: a single- or double-quoted string is first read with MySQL semantics (backslash
 * escapes the next character). When a quoted text holds a backslash, the statement is also read
 * with standard semantics (backslash is an ordinary character, as in PostgreSQL). If exactly one
 * reading leaves no string open, it is used (this repairs {@code 'C:\'}-style literals). Otherwise
 * the text is ambiguous: the MySQL reading is used, with every token that the standard reading takes
 * for a literal or a comment turned into a placeholder, so that neither reading can leak a literal.
 *
 * <p>One instance reads one text once ({@link #tokenize} creates them); not thread-safe.
 */
final class SqlLexer {
  private final String s;
  private final int n;
  private final boolean backslashEscapes;
  private final List<SqlToken> out = new ArrayList<>();
  private boolean space;
  private int from; // start of the token being read
  private boolean unterminatedString;
  /** A backslash inside a quoted text: the other backslash convention may read it differently. */
  private boolean sawBackslash;
  /** The source positions this reading takes for literals and comments. */
  private final BitSet hidden = new BitSet();

  private SqlLexer(String s, boolean backslashEscapes) {
    this.s = s;
    this.n = s.length();
    this.backslashEscapes = backslashEscapes;
  }

  /** The tokens of {@code sql}, read as the class comment says. Never throws. */
  static List<SqlToken> tokenize(String sql) {
    SqlLexer lexer = new SqlLexer(sql, true);
    List<SqlToken> toks = lexer.run();
    if (!lexer.sawBackslash) {
      return toks;
    }
    // The backslash conventions may read the text differently. When exactly one reading closes
    // all its strings, it is the statement's. When both do (or neither), the text is ambiguous:
    // keep the MySQL reading but hide every token that the standard reading takes for a literal
    // or a comment, so that a misreading never shows a literal (at worst the name is coarser).
    SqlLexer standard = new SqlLexer(sql, false);
    List<SqlToken> alt = standard.run();
    if (lexer.unterminatedString && !standard.unterminatedString) {
      return alt;
    } else if (lexer.unterminatedString == standard.unterminatedString) {
      return hide(toks, standard.hidden);
    }
    return toks;
  }

  /**
   * The tokens with each non-placeholder token that overlaps {@code hidden} made a placeholder,
   * and dropped when it follows a placeholder (a run becomes one {@code ?}).
   */
  private static List<SqlToken> hide(List<SqlToken> toks, BitSet hidden) {
    List<SqlToken> out = new ArrayList<>(toks.size());
    boolean dropped = false;
    for (SqlToken t : toks) {
      int bit = hidden.nextSetBit(t.from);
      if (t.kind != SqlToken.PH && bit >= 0 && bit < t.to) {
        if (!out.isEmpty() && out.get(out.size() - 1).kind == SqlToken.PH) {
          dropped = true;
          continue;
        }
        t.hide();
      }
      t.space |= dropped; // a dropped run keeps its neighbours apart
      dropped = false;
      out.add(t);
    }
    return out;
  }

  private char at(int i) {
    return i < n ? s.charAt(i) : '\0';
  }

  private void emit(int kind, String text, int to) {
    out.add(new SqlToken(kind, text, space, from, to));
    space = false;
  }

  /** A literal from {@link #from} to {@code to}: one placeholder, its range hidden. */
  private void literal(int to) {
    emit(SqlToken.PH, "?", to);
    hidden.set(from, to);
  }

  private List<SqlToken> run() {
    int i = 0;
    while (i < n) {
      from = i;
      int end = blankEnd(i);
      if (end >= 0) {
        space = true;
      } else if ((end = literalEnd(i)) >= 0) {
        literal(end);
      } else {
        end = token(i);
      }
      i = end;
    }
    return out;
  }

  /**
   * The end of the whitespace character or comment ({@code --}, {@code /* *\/}, {@code #}) at i,
   * else -1. A comment's range is hidden. {@code #} followed by {@code >}, {@code -} or {@code #}
   * is an operator (PostgreSQL JSON operators), not a comment.
   */
  private int blankEnd(int i) {
    char c = s.charAt(i);
    int end;
    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      return i + 1;
    } else if (c == '-' && at(i + 1) == '-') {
      end = lineEnd(i);
    } else if (c == '/' && at(i + 1) == '*') {
      end = blockCommentEnd(i);
    } else if (c == '#' && at(i + 1) != '>' && at(i + 1) != '-' && at(i + 1) != '#') {
      end = lineEnd(i);
    } else {
      return -1;
    }
    hidden.set(i, end);
    return end;
  }

  /**
   * The end of the literal at i, else -1: strings ({@code '..'}, {@code E'..'}, {@code N'..'},
   * {@code X'..'}, {@code B'..'}, {@code U&'..'}), dollar-quoted strings and numbers (with a sign
   * where a value starts).
   */
  private int literalEnd(int i) {
    char c = s.charAt(i);
    if (c == '\'') {
      return stringEnd(i + 1, backslashEscapes);
    } else if ((c == 'e' || c == 'E') && at(i + 1) == '\'' && wordStart(i)) {
      return stringEnd(i + 2, true);
    } else if ((c == 'n' || c == 'N' || c == 'x' || c == 'X' || c == 'b' || c == 'B')
        && at(i + 1) == '\'' && wordStart(i)) {
      return stringEnd(i + 2, backslashEscapes);
    } else if ((c == 'u' || c == 'U') && at(i + 1) == '&' && at(i + 2) == '\'' && wordStart(i)) {
      return stringEnd(i + 3, false);
    } else if (c == '$') {
      int tagEnd = dollarTagEnd(i);
      if (tagEnd < 0) {
        return -1;
      }
      String tag = s.substring(i, tagEnd);
      int close = s.indexOf(tag, tagEnd);
      return close < 0 ? n : close + tag.length();
    } else if (isDigit(c) || (c == '.' && isDigit(at(i + 1)) && !afterOperand())) {
      return numberEnd(i);
    } else if ((c == '-' || c == '+')
        && (isDigit(at(i + 1)) || (at(i + 1) == '.' && isDigit(at(i + 2))))
        && !afterOperand()) {
      return numberEnd(i + 1);
    }
    return -1;
  }

  /**
   * Reads the token at i that is neither blank nor a literal: quoted identifiers, parameters,
   * words and punctuation. Returns its end.
   */
  private int token(int i) {
    char c = s.charAt(i);
    if (c == '"' || c == '`') {
      // `..` is always an identifier; ".." may be a MySQL string: the context pass decides.
      int end = quotedEnd(i + 1, c, c == '"' && backslashEscapes);
      if (end < 0) {
        // Unterminated: swallow the rest as one literal. For "..", it may be a backslash misread:
        // the standard reading is then tried.
        unterminatedString |= c == '"';
        literal(n);
        return n;
      }
      emit(c == '"' ? SqlToken.DQUOTED : SqlToken.QIDENT, s.substring(i, end), end);
      return end;
    } else if (c == '$' && isDigit(at(i + 1))) {
      return placeholder(skipDigits(i + 1));
    } else if (c == '?') {
      return placeholder(i + 1);
    } else if (c == ':' && isWordStart(at(i + 1)) && (i == 0 || s.charAt(i - 1) != ':')) {
      return placeholder(wordEnd(i + 1));
    } else if (isWordStart(c)) {
      int end = wordEnd(i);
      String w = s.substring(i, end);
      boolean bool = w.equalsIgnoreCase("TRUE") || w.equalsIgnoreCase("FALSE");
      emit(bool ? SqlToken.BOOL : SqlToken.WORD, w, end);
      return end;
    }
    int end = i + Character.charCount(s.codePointAt(i));
    emit(SqlToken.PUNCT, s.substring(i, end), end);
    return end;
  }

  /** A parameter ({@code ?}, {@code $1}, {@code :name}) ending at {@code to}. */
  private int placeholder(int to) {
    emit(SqlToken.PH, "?", to);
    return to;
  }

  /** True when the previous token ends an operand, so that a following sign is binary. */
  private boolean afterOperand() {
    if (out.isEmpty()) {
      return false;
    }
    SqlToken t = out.get(out.size() - 1);
    return switch (t.kind) {
      case SqlToken.PH, SqlToken.QIDENT, SqlToken.DQUOTED, SqlToken.BOOL -> true;
      case SqlToken.WORD -> !VALUE_KEYWORDS.contains(t.text.toUpperCase(Locale.ROOT));
      case SqlToken.PUNCT -> t.is(')') || t.is(']');
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

  static final Set<String> VALUE_KEYWORDS =
      Set.of(
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
}
