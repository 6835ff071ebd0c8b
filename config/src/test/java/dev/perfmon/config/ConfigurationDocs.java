package dev.perfmon.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code docs/configuration.md} from the key definitions, so the documentation cannot
 * drift from the code. The prose is the template {@code configuration.md.template} beside this
 * class (a resource); its placeholders {@code {{keys}}} and {@code {{families}}} become the tables
 * built here from {@link Keys}.
 */
final class ConfigurationDocs {
  private ConfigurationDocs() {}

  static final String TEMPLATE = "configuration.md.template";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z-]+)}}");

  static String render() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("keys", keyTables());
    values.put("families", familyTable());
    return fill(template(), values);
  }

  /**
   * The template with each placeholder replaced; a placeholder without a value, or a value whose
   * placeholder is missing, is an error (a renamed placeholder must not silently drop a table).
   */
  static String fill(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    Map<String, Boolean> used = new LinkedHashMap<>();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("no value for placeholder " + m.group() + " in " + TEMPLATE);
      }
      used.put(m.group(1), true);
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    for (String name : values.keySet()) {
      if (!used.containsKey(name)) {
        throw new IllegalStateException("placeholder {{" + name + "}} is missing from " + TEMPLATE);
      }
    }
    return out.toString();
  }

  private static String template() {
    try (InputStream in = ConfigurationDocs.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(TEMPLATE + " is not on the test class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One table per category that has keys, in category order; keys in declaration order. */
  private static String keyTables() {
    StringBuilder md = new StringBuilder();
    for (KeyCategory c : KeyCategory.values()) {
      StringBuilder rows = new StringBuilder();
      for (ConfigKey<?> k : Keys.all()) {
        if (k.category() == c) {
          rows.append("| `")
              .append(k.name())
              .append("` | `")
              .append(k.environmentVariable())
              .append("` | `")
              .append(ConfigLoader.defaultText(k))
              .append("` | ")
              .append(cell(k.type().expectedForm()))
              .append(" | ")
              .append(cell(k.description()))
              .append(" | ")
              .append(k.since())
              .append(" |\n");
        }
      }
      if (rows.length() > 0) {
        md.append(md.length() > 0 ? "\n" : "")
            .append("### ")
            .append(c.title())
            .append("\n\n| Key | Environment variable | Default | Expected form | Description | Since |\n")
            .append("|---|---|---|---|---|---|\n")
            .append(rows);
      }
    }
    return md.toString();
  }

  private static String familyTable() {
    StringBuilder md = new StringBuilder();
    md.append("| Key | Expected form | Description | Example | Since |\n");
    md.append("|---|---|---|---|---|\n");
    for (KeyFamily<?> f : Keys.families()) {
      md.append("| `")
          .append(f.prefix())
          .append("<glob>` | ")
          .append(cell(f.type().expectedForm()))
          .append(" | ")
          .append(cell(f.description()))
          .append(" | `")
          .append(f.example())
          .append("` | ")
          .append(f.since())
          .append(" |\n");
    }
    return md.toString();
  }

  /** A table cell: pipes would end the cell. */
  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
