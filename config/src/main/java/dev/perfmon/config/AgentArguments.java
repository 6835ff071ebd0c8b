package dev.perfmon.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent-argument string ({@code -javaagent:perfmon-agent.jar=<args>}, and the arguments of an
 * {@code attach}) split into key and value.
 *
 * <pre>
 *   args  := entry ( ',' entry )*
 *   entry := key '=' value  |  item
 * </pre>
 *
 * <ul>
 *   <li>A {@code ,} inside parentheses does not separate entries, so {@code
 *       methods=com.example.Api#call(java.lang.String,int)} is one entry.
 *   <li>A value may be quoted with {@code "} or {@code '}; the quotes are removed and nothing
 *       inside them separates entries ({@code methods="a.B#c,a.B#d"}).
 *   <li>List values separate items with {@code ;} (in every source {@code ;} and {@code ,} are
 *       equivalent for lists): {@code methods=com.example.A#x;com.example.B#y=op.y}.
 *   <li>An entry without {@code =} right after a list-valued key continues that list, so {@code
 *       output=file,log,interval=5s} and {@code methods=com.example.A#x,com.example.B#y} work.
 *       An item that itself contains {@code =} (an operation name, a naming rule) needs {@code ;}
 *       or quotes.
 *   <li>Blank entries are ignored; a key given twice is reported and the last value is used.
 * </ul>
 */
final class AgentArguments {
  private AgentArguments() {}

  /** Splits the agent argument string per the grammar in the class comment, in order. */
  static Map<String, String> parse(String agentArgs, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (agentArgs == null || agentArgs.isBlank()) {
      return out;
    }
    String lastKey = null;
    for (String segment : splitArgs(agentArgs, problems)) {
      String s = segment.trim();
      if (s.isEmpty()) {
        continue;
      }
      int eq = s.indexOf('=');
      if (eq < 0) {
        ConfigKey<?> last = lastKey == null ? null : Keys.byName(lastKey);
        if (last != null && last.type() instanceof ListType) {
          out.put(lastKey, out.get(lastKey) + ";" + unquote(s));
        } else {
          problems.add(
              "agent argument '"
                  + s
                  + "' is not key=value; ignored (separate list items with ';', e.g."
                  + " methods=com.example.A#x;com.example.B#y)");
        }
        continue;
      }
      String key = s.substring(0, eq).trim();
      String value = unquote(s.substring(eq + 1).trim());
      if (key.isEmpty()) {
        problems.add("agent argument '" + s + "' has no key before '='; ignored");
        lastKey = null;
        continue;
      }
      if (out.containsKey(key)) {
        problems.add(
            "key '" + key + "' is given more than once in the agent arguments; the last value is used");
        out.remove(key); // keep insertion order = position of the value used
      }
      out.put(key, value);
      lastKey = key;
    }
    return out;
  }

  /**
   * Splits at {@code ,} outside parentheses and outside a quoted value. A quote opens only where
   * a value or an entry starts, so an apostrophe inside a value ({@code output.file=bob's.jsonl})
   * is just a character.
   */
  private static List<String> splitArgs(String s, List<String> problems) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    boolean sawEquals = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if ((c == '"' || c == '\'') && atValueStart(s, start, i, sawEquals)) {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (c == '=' && !sawEquals) {
        sawEquals = true;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
        sawEquals = false;
      }
    }
    if (quote != 0) {
      problems.add(
          "agent arguments: quote " + quote + " is not closed; the rest is read as one value");
    }
    out.add(s.substring(start));
    return out;
  }

  private static boolean atValueStart(String s, int segmentStart, int i, boolean sawEquals) {
    int j = i - 1;
    while (j >= segmentStart && s.charAt(j) == ' ') {
      j--;
    }
    return j < segmentStart || (sawEquals && s.charAt(j) == '=' && s.indexOf('=', segmentStart) == j);
  }

  private static String unquote(String v) {
    if (v.length() >= 2) {
      char first = v.charAt(0);
      if ((first == '"' || first == '\'') && v.charAt(v.length() - 1) == first) {
        return v.substring(1, v.length() - 1);
      }
    }
    return v;
  }
}
