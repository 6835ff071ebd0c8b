package dev.perfmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The list-valued types. Items are separated by {@code ,} or {@code ;}; blank items are dropped.
 * {@code ;} exists because agent arguments already use {@code ,} between {@code key=value} pairs
 * (see {@link ConfigLoader}). The loader also needs to know which keys are lists, to let a bare
 * item in the agent arguments continue the previous list; hence a class rather than anonymous
 * {@link ValueType}s.
 */
final class ListType implements ValueType<List<String>> {
  private final boolean respectParentheses;
  private final List<String> allowedWords; // null: any item
  private final String expectedForm;
  /** Checks the items as a whole (throws IllegalArgumentException), or null. */
  private final java.util.function.Consumer<List<String>> check;

  ListType(boolean respectParentheses, List<String> allowedWords, String expectedForm) {
    this(respectParentheses, allowedWords, expectedForm, null);
  }

  ListType(
      boolean respectParentheses,
      List<String> allowedWords,
      String expectedForm,
      java.util.function.Consumer<List<String>> check) {
    this.respectParentheses = respectParentheses;
    this.allowedWords = allowedWords == null ? null : List.copyOf(allowedWords);
    this.expectedForm = expectedForm;
    this.check = check;
  }

  @Override
  public List<String> parse(String text) {
    if (allowedWords == null) {
      List<String> items = split(text, respectParentheses);
      if (check != null) {
        check.accept(items);
      }
      return items;
    }
    List<String> items = split(text.toLowerCase(Locale.ROOT), false);
    if (items.size() == 1 && items.get(0).equals("none")) {
      return List.of();
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    Set<String> allowed = Set.copyOf(allowedWords);
    for (String item : items) {
      if (!allowed.contains(item)) {
        throw new IllegalArgumentException("unknown word " + item);
      }
    }
    return items;
  }

  @Override
  public String expectedForm() {
    return expectedForm;
  }

  @Override
  public String format(List<String> value) {
    if (allowedWords != null && value.isEmpty()) {
      return "none";
    }
    return String.join(",", value);
  }

  /**
   * Splits at {@code ,} and {@code ;}, except (when asked) inside parentheses, so that {@code
   * Api#call(java.lang.String,int)} stays one item.
   */
  static List<String> split(String text, boolean respectParentheses) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ',';
      if (respectParentheses && c == '(') {
        depth++;
      } else if (respectParentheses && c == ')' && depth > 0) {
        depth--;
      } else if ((c == ',' || c == ';') && (depth == 0 || i == text.length())) {
        String item = text.substring(start, i).trim();
        if (!item.isEmpty()) {
          out.add(item);
        }
        start = i + 1;
      }
    }
    return Collections.unmodifiableList(out);
  }
}
