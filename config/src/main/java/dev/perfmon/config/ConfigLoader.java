package dev.perfmon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the {@link AgentConfig} from the agent's sources. Never throws for bad input: every
 * problem becomes one message in {@link AgentConfig#problems()} and the rest still applies.
 *
 * <h2>Sources, highest precedence first</h2>
 *
 * <ol>
 *   <li>Agent arguments: {@code -javaagent:perfmon-agent.jar=interval=5s,output=file,log}. First
 *       because they are the only channel of a live re-attach, which must be able to override.
 *   <li>System properties {@code perfmon.<key>}, e.g. {@code -Dperfmon.interval=5s}.
 *   <li>Environment variables {@code PERFMON_<KEY>}: the key upper-cased with {@code .} and {@code
 *       -} as {@code _} ({@code PERFMON_MAX_OPERATIONS}). Mapped back by comparison with each
 *       known key's {@link ConfigKey#environmentVariable()}, so the mapping is never ambiguous.
 *       The key families ({@code budget.<glob>} ...) cannot be set here: a glob does not survive
 *       the renaming.
 *   <li>The properties file (UTF-8, {@link Properties} syntax, keys written bare): the one named
 *       by {@code config} in any of the sources above (relative to the working directory), else
 *       {@code agent.properties} in the working directory when it exists, else none. A named file
 *       that does not exist is a problem; the default one silently may not exist. A UTF-8
 *       byte-order mark is skipped; a line that is not valid UTF-8 or not parseable is reported
 *       with its number and skipped, the other lines apply; a key on several lines is reported
 *       and its last value used (see {@link PropertiesFile}).
 *   <li>The defaults in {@link Keys}.
 * </ol>
 *
 * <p>{@code get(Keys.CONFIG)} is the absolute path of the file actually read (empty when none
 * was), and {@code sourceOf("config")} says who named it ({@code working directory} for the
 * default file), so the start-up line and the {@code status} command show which file applied.
 *
 * <p>For each key the value of the highest source that has it is taken. If that value is invalid,
 * the <em>default</em> is used, not the value of a lower source: the message then says exactly
 * what happened ("using default 60s"), and the outcome does not depend on which other sources
 * happen to be set. Values shadowed by a higher source are not checked.
 *
 * <h2>Agent-argument grammar</h2>
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
public final class ConfigLoader {
  private ConfigLoader() {}

  static final String AGENT_ARGUMENT = "agent argument";
  static final String DEFAULT_FILE = "agent.properties";
  private static final String PROPERTY_PREFIX = "perfmon.";
  private static final String ENV_PREFIX = "PERFMON_";

  /**
   * Reads the real process environment, system properties and working directory. The only place
   * in the agent that touches {@code System.getenv} and {@code System.getProperties}.
   */
  public static AgentConfig loadFromSystem(String agentArgs) {
    return loadFromSystem(List.of(), agentArgs);
  }

  /**
   * As {@link #loadFromSystem(String)} for a re-attach that keeps what it does not change: the
   * agent arguments of {@code earlierArgs} (oldest first, as given at start-up and at each earlier
   * re-attach) apply first and {@code agentArgs} replaces only the keys it names. The other sources
   * are read again as at start-up. Problems of the earlier argument strings' grammar were reported
   * when they were given and are not repeated.
   */
  public static AgentConfig loadFromSystem(List<String> earlierArgs, String agentArgs) {
    Map<String, String> props = new TreeMap<>();
    Properties p = System.getProperties();
    for (String name : p.stringPropertyNames()) {
      if (name.startsWith(PROPERTY_PREFIX)) {
        props.put(name, p.getProperty(name));
      }
    }
    String userDir = p.getProperty("user.dir");
    return load(earlierArgs, agentArgs, props, System.getenv(), userDir == null ? null : Path.of(userDir));
  }

  /**
   * Resolves the configuration from the given sources (pure: no access to the real environment).
   *
   * @param agentArgs the agent argument string, or null
   * @param systemProperties all system properties (only {@code perfmon.*} are read)
   * @param environment all environment variables (only {@code PERFMON_*} are read)
   * @param workingDirectory against which a relative {@code config} path is resolved and where
   *     {@code agent.properties} is looked for; null: no default file, relative paths as given
   */
  public static AgentConfig load(
      String agentArgs,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      Path workingDirectory) {
    return load(List.of(), agentArgs, systemProperties, environment, workingDirectory);
  }

  /**
   * As {@link #load(String, Map, Map, Path)}, with the agent arguments of earlier attaches under
   * {@code agentArgs}: see {@link #loadFromSystem(List, String)}.
   */
  public static AgentConfig load(
      List<String> earlierArgs,
      String agentArgs,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      Path workingDirectory) {
    List<String> problems = new ArrayList<>();
    // Source tables: key -> text, and key -> source label. Highest precedence first.
    List<Map<String, String>> tables = new ArrayList<>();

    Map<String, String> args = new LinkedHashMap<>();
    for (String earlier : earlierArgs) {
      args.putAll(parseAgentArgs(earlier, new ArrayList<>()));
    }
    args.putAll(parseAgentArgs(agentArgs, problems));
    tables.add(args);
    tables.add(fromSystemProperties(systemProperties));
    tables.add(fromEnvironment(environment, problems));

    // The file is named by `config` in a higher source, so it is read after them.
    Map<String, String> file = new TreeMap<>();
    String fileLabel = null;
    String configValue = "";
    String configSource = "default";
    String named = null;
    String namedBy = null;
    for (int i = 0; i < tables.size() && named == null; i++) {
      String v = tables.get(i).get(Keys.CONFIG.name());
      if (v != null && !v.isBlank()) {
        named = v.trim();
        namedBy = label(i, Keys.CONFIG.name());
      }
    }
    Path path = null;
    if (named != null) {
      path = workingDirectory == null ? Path.of(named) : workingDirectory.resolve(named);
      path = path.toAbsolutePath().normalize();
      if (!Files.isRegularFile(path)) {
        problems.add(
            "configuration file '"
                + path
                + "' named by key 'config' (from "
                + namedBy
                + ") "
                + (Files.exists(path) ? "is not a regular file" : "does not exist")
                + "; continuing without a configuration file");
        path = null;
      } else {
        configSource = namedBy;
      }
    } else if (workingDirectory != null) {
      Path candidate = workingDirectory.resolve(DEFAULT_FILE).toAbsolutePath().normalize();
      if (Files.isRegularFile(candidate)) {
        path = candidate;
        configSource = "working directory";
      }
    }
    if (path != null) {
      fileLabel = "file " + path;
      if (readFile(path, file, problems)) {
        configValue = path.toString();
      } else {
        configSource = "default";
      }
    }
    tables.add(file);

    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> raw = new TreeMap<>();
    Map<String, String> sources = new LinkedHashMap<>();

    // Unknown keys, per source, in source order.
    for (int i = 0; i < tables.size(); i++) {
      for (String key : tables.get(i).keySet()) {
        String where = i == 3 ? fileLabel : label(i, key);
        if (i == 3 && key.equals(Keys.CONFIG.name())) {
          problems.add(
              "key 'config' (from "
                  + where
                  + ") is ignored inside the configuration file; name the file with an agent"
                  + " argument, system property or environment variable");
        } else if (i != 2) { // environment names were checked while mapping them
          checkKnown(key, where, problems);
        }
      }
    }
    tables.get(3).remove(Keys.CONFIG.name());

    // Fixed keys: the highest source wins; an invalid winner gives the default.
    for (ConfigKey<?> key : Keys.all()) {
      if (key == Keys.CONFIG) {
        continue;
      }
      for (int i = 0; i < tables.size(); i++) {
        String text = tables.get(i).get(key.name());
        if (text == null) {
          continue;
        }
        String where = i == 3 ? fileLabel : label(i, key.name());
        resolve(key, text, where, values, raw, sources, problems);
        break;
      }
    }
    if (!configValue.isEmpty()) {
      values.put(Keys.CONFIG.name(), configValue);
      raw.put(Keys.CONFIG.name(), configValue);
      sources.put(Keys.CONFIG.name(), configSource);
    }

    // Family entries: per full key, the highest source wins; invalid entries are dropped.
    Map<String, String> done = new TreeMap<>();
    for (int i = 0; i < tables.size(); i++) {
      for (Map.Entry<String, String> e : tables.get(i).entrySet()) {
        String key = e.getKey();
        KeyFamily<?> family = Keys.familyOf(key);
        if (family == null || key.length() == family.prefix().length() || done.containsKey(key)
            || looksLikeFixedKey(key)) {
          continue;
        }
        String where = i == 3 ? fileLabel : label(i, key);
        done.put(key, where);
        try {
          family.type().parse(e.getValue());
          raw.put(key, e.getValue().trim());
          sources.put(key, where);
        } catch (IllegalArgumentException ex) {
          problems.add(
              "invalid value '"
                  + e.getValue().trim()
                  + "' for key '"
                  + key
                  + "' (from "
                  + where
                  + "): expected "
                  + family.type().expectedForm()
                  + "; entry ignored");
        }
      }
    }

    MethodPatterns patterns =
        MethodPatterns.parse(
            castList(values.getOrDefault(Keys.METHODS.name(), Keys.METHODS.defaultValue())),
            sources.get(Keys.METHODS.name()));
    problems.addAll(patterns.problems());
    checkAnnotations(values, sources, problems);
    checkThresholds(values, raw, sources, problems);

    return new AgentConfig(values, raw, sources, problems, patterns.patterns());
  }

  private static <T> void resolve(
      ConfigKey<T> key,
      String text,
      String where,
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems) {
    T value;
    try {
      value = key.type().parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(
          "invalid value '"
              + text.trim()
              + "' for key '"
              + key.name()
              + "' (from "
              + where
              + "): expected "
              + key.type().expectedForm()
              + "; using default "
              + defaultText(key));
      return;
    }
    values.put(key.name(), value);
    raw.put(key.name(), key.type().format(value));
    sources.put(key.name(), where);
  }

  /** The default as shown in messages and docs: {@code (none)} for an empty one. */
  static <T> String defaultText(ConfigKey<T> key) {
    String s = key.type().format(key.defaultValue());
    return s.isEmpty() ? "(none)" : s;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object o) {
    return (List<String>) o;
  }

  /** The annotation names must be exact type names; bad ones are dropped and reported. */
  private static void checkAnnotations(
      Map<String, Object> values, Map<String, String> sources, List<String> problems) {
    List<String> names = castList(values.get(Keys.ANNOTATIONS.name()));
    if (names == null) {
      return;
    }
    List<String> valid = new ArrayList<>();
    for (String name : names) {
      String n = name.startsWith("@") ? name.substring(1) : name;
      MethodPattern p = null;
      try {
        p = MethodPattern.parse("@" + n);
      } catch (IllegalArgumentException e) {
        // reported below
      }
      if (p == null || p.methodPattern() != null || p.operationName() != null) {
        problems.add(
            "invalid annotation type '"
                + name
                + "' (key 'annotations', from "
                + sources.get(Keys.ANNOTATIONS.name())
                + "): expected a fully qualified annotation type name such as"
                + " com.example.Timed; ignored");
      } else if (!valid.contains(n)) {
        valid.add(n);
      }
    }
    values.put(Keys.ANNOTATIONS.name(), Collections.unmodifiableList(valid));
  }

  /**
   * Warns when a very-slow threshold is below the slow one it pairs with: then every reported call
   * is very slow and none merely slow, which is hardly what was meant. Checked for the two fixed
   * keys and for each glob of {@code slow.threshold.<glob>} / {@code very-slow.threshold.<glob>}
   * (paired with the same glob of the other family, else with the other fixed key). 0 turns a
   * level off and is never compared. Both values apply as given.
   */
  private static void checkThresholds(
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems) {
    compareThresholds(Keys.SLOW_THRESHOLD.name(), Keys.VERY_SLOW_THRESHOLD.name(), values, raw, sources, problems);
    Set<String> globs = new TreeSet<>();
    for (String key : raw.keySet()) {
      for (KeyFamily<?> f : List.of(Keys.SLOW_THRESHOLDS, Keys.VERY_SLOW_THRESHOLDS)) {
        if (Keys.familyOf(key) == f) {
          globs.add(key.substring(f.prefix().length()));
        }
      }
    }
    for (String glob : globs) {
      String slow = Keys.SLOW_THRESHOLDS.prefix() + glob;
      String verySlow = Keys.VERY_SLOW_THRESHOLDS.prefix() + glob;
      compareThresholds(
          raw.containsKey(slow) ? slow : Keys.SLOW_THRESHOLD.name(),
          raw.containsKey(verySlow) ? verySlow : Keys.VERY_SLOW_THRESHOLD.name(),
          values,
          raw,
          sources,
          problems);
    }
  }

  private static void compareThresholds(
      String slowKey,
      String verySlowKey,
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems) {
    Duration slow = threshold(slowKey, values, raw);
    Duration verySlow = threshold(verySlowKey, values, raw);
    if (slow.isZero() || verySlow.isZero() || verySlow.compareTo(slow) >= 0) {
      return;
    }
    String v = Durations.format(verySlow);
    problems.add(
        verySlowKey
            + "="
            + v
            + " ("
            + origin(verySlowKey, sources)
            + ") is below "
            + slowKey
            + "="
            + Durations.format(slow)
            + " ("
            + origin(slowKey, sources)
            + "): every call from "
            + v
            + " on is reported as very slow and none as slow; expected a very-slow threshold above"
            + " the slow one (or 0 to turn very-slow off); both values are used as given");
  }

  private static String origin(String key, Map<String, String> sources) {
    String source = sources.get(key);
    return source == null ? "default" : "from " + source;
  }

  private static Duration threshold(String key, Map<String, Object> values, Map<String, String> raw) {
    ConfigKey<?> fixed = Keys.byName(key);
    if (fixed != null) {
      Object v = values.get(key);
      return (Duration) (v != null ? v : fixed.defaultValue());
    }
    return Types.DURATION.parse(raw.get(key));
  }

  /**
   * {@code budget.percentil} is a family entry by shape, but surely a typo of the fixed key {@code
   * budget.percentile}: such keys are reported as unknown instead of silently becoming a budget.
   */
  private static boolean looksLikeFixedKey(String key) {
    KeyFamily<?> family = Keys.familyOf(key);
    for (ConfigKey<?> k : Keys.all()) {
      if (family != null
          && k.name().startsWith(family.prefix())
          && Typos.distance(key, k.name()) <= 2) {
        return true;
      }
    }
    return false;
  }

  /** The test-only fault switch, read by the bootstrap class {@code Faults}, not a setting. */
  static final String TEST_FAULTS = "test.faults";

  private static void checkKnown(String key, String where, List<String> problems) {
    if (Keys.byName(key) != null || key.equals(TEST_FAULTS)) {
      return;
    }
    KeyFamily<?> family = Keys.familyOf(key);
    if (family != null && !looksLikeFixedKey(key)) {
      if (key.length() == family.prefix().length()) {
        problems.add(
            "key '"
                + key
                + "' (from "
                + where
                + ") has no operation glob after the prefix; expected e.g. "
                + family.example()
                + "; ignored");
      }
      return;
    }
    String suggestion = Typos.suggest(key);
    if (suggestion != null) {
      problems.add(
          "unknown key '" + key + "' (from " + where + "): did you mean '" + suggestion + "'? ignored");
    } else {
      problems.add(
          "unknown key '"
              + key
              + "' (from "
              + where
              + ") ignored; the known keys are listed in docs/configuration.md");
    }
  }

  private static String label(int sourceIndex, String key) {
    return switch (sourceIndex) {
      case 0 -> AGENT_ARGUMENT;
      case 1 -> "system property " + PROPERTY_PREFIX + key;
      case 2 -> "environment variable " + ConfigKey.envName(key);
      default -> throw new IllegalStateException("the file's label is built by the caller");
    };
  }

  private static Map<String, String> fromSystemProperties(Map<String, String> systemProperties) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(systemProperties).entrySet()) {
      if (e.getKey().startsWith(PROPERTY_PREFIX) && e.getValue() != null) {
        out.put(e.getKey().substring(PROPERTY_PREFIX.length()), e.getValue());
      }
    }
    return out;
  }

  private static Map<String, String> fromEnvironment(
      Map<String, String> environment, List<String> problems) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ENV_PREFIX) || e.getValue() == null) {
        continue;
      }
      ConfigKey<?> key = null;
      for (ConfigKey<?> k : Keys.all()) {
        if (k.environmentVariable().equals(name)) {
          key = k;
          break;
        }
      }
      if (key != null) {
        out.put(key.name(), e.getValue());
        continue;
      }
      KeyFamily<?> family = null;
      for (KeyFamily<?> f : Keys.families()) {
        if (name.startsWith(ConfigKey.envName(f.prefix()))) {
          family = f;
        }
      }
      if (family != null) {
        problems.add(
            "environment variable "
                + name
                + " ignored: '"
                + family.prefix()
                + "<glob>' entries cannot be set through the environment (a glob does not survive"
                + " the renaming); use an agent argument, a system property or the configuration"
                + " file, e.g. "
                + family.example());
        continue;
      }
      String suggestion = null;
      String squashed = Typos.squash(name.substring(ENV_PREFIX.length()));
      int best = 3;
      for (ConfigKey<?> k : Keys.all()) {
        String other = Typos.squash(k.name());
        int d = other.equals(squashed) ? 0 : Typos.distance(squashed, other);
        if (d < best) {
          best = d;
          suggestion = k.environmentVariable() + " (key '" + k.name() + "')";
        }
      }
      problems.add(
          "unknown environment variable "
              + name
              + (suggestion == null
                  ? " ignored; the known variables are listed in docs/configuration.md"
                  : ": did you mean " + suggestion + "? ignored"));
    }
    return out;
  }

  /**
   * Reads the properties file into {@code out}; false (and a problem) when it cannot be read at
   * all. A line that cannot be decoded or parsed costs only itself (see {@link PropertiesFile}).
   */
  private static boolean readFile(Path path, Map<String, String> out, List<String> problems) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException | RuntimeException e) {
      problems.add(
          "cannot read configuration file '"
              + path
              + "': "
              + e
              + "; continuing without a configuration file");
      return false;
    }
    for (Map.Entry<String, PropertiesFile.Entry> e :
        PropertiesFile.parse(bytes, "configuration file '" + path + "'", problems).entrySet()) {
      out.put(e.getKey(), e.getValue().value());
    }
    return true;
  }

  /**
   * Splits the agent argument string per the grammar in the class comment. Package-private for
   * tests.
   */
  static Map<String, String> parseAgentArgs(String agentArgs, List<String> problems) {
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
