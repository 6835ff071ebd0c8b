package dev.perfmon.instrumentation.jdbc;

/**
 * One token of a SQL text, as {@link SqlLexer} reads it and {@link SqlRenderer} refines it. A
 * literal never reaches a token: the lexer emits a placeholder ({@code ?}) for it, without its
 * text. Mutable because the renderer's context pass re-kinds tokens in place (a double-quoted text
 * in a value position becomes a placeholder).
 */
final class SqlToken {
  static final int WORD = 0; // keyword or unquoted identifier
  static final int QIDENT = 1; // back-quoted identifier (always kept)
  static final int DQUOTED = 2; // double-quoted: identifier, or a MySQL string in value position
  static final int PH = 3; // placeholder: a literal or a parameter
  static final int PUNCT = 4; // one punctuation/operator character
  static final int BOOL = 5; // TRUE / FALSE

  int kind;
  String text;
  boolean space; // whitespace or a comment preceded this token
  final int from; // source range [from, to)
  final int to;

  SqlToken(int kind, String text, boolean space, int from, int to) {
    this.kind = kind;
    this.text = text;
    this.space = space;
    this.from = from;
    this.to = to;
  }

  /** Makes this token a placeholder. */
  void hide() {
    kind = PH;
    text = "?";
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
