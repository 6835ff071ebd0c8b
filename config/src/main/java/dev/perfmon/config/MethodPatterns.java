package dev.perfmon.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parsed {@code methods} key: the valid patterns, in the order given, and one message per
 * malformed or repeated entry. Malformed entries are dropped; the others still apply. Immutable.
 *
 * <p>{@link ConfigLoader} already parses {@code methods}: take the result from {@link
 * AgentConfig#methodPatterns()}, whose problems are part of {@link AgentConfig#problems()}.
 */
public final class MethodPatterns {
  private final List<MethodPattern> patterns;
  private final List<String> problems;

  private MethodPatterns(List<MethodPattern> patterns, List<String> problems) {
    this.patterns = List.copyOf(patterns);
    this.problems = List.copyOf(problems);
  }

  /** Parses every entry; never throws for bad input. */
  public static MethodPatterns parse(List<String> texts) {
    return parse(texts, null);
  }

  /** As {@link #parse(List)}, naming {@code source} (e.g. "agent argument") in the messages. */
  static MethodPatterns parse(List<String> texts, String source) {
    List<MethodPattern> patterns = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String where = "key 'methods'" + (source == null ? "" : ", from " + source);
    for (String text : texts) {
      MethodPattern p;
      try {
        p = MethodPattern.parse(text);
      } catch (IllegalArgumentException e) {
        problems.add(
            "invalid method pattern '"
                + text.trim()
                + "' ("
                + where
                + "): "
                + e.getMessage()
                + "; expected "
                + MethodPattern.EXPECTED_FORM
                + "; pattern ignored");
        continue;
      }
      if (!seen.add(p.text())) {
        problems.add("duplicate method pattern '" + p.text() + "' (" + where + "); listed once");
        continue;
      }
      patterns.add(p);
    }
    return new MethodPatterns(patterns, problems);
  }

  /** The valid patterns, in the order given. */
  public List<MethodPattern> patterns() {
    return patterns;
  }

  /** One self-contained message per dropped entry. */
  public List<String> problems() {
    return problems;
  }
}
