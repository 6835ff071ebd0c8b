package dev.perfmon.config;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>Each source is a {@link Source}; the file is found and read by {@link ConfigFile}, the
 * environment's names are mapped back by {@link EnvironmentNames} and the agent arguments split by
 * {@link AgentArguments} (whose comment gives their grammar).
 *
 * <p>For each key the value of the highest source that has it is taken. If that value is invalid,
 * the <em>default</em> is used, not the value of a lower source: the message then says exactly
 * what happened ("using default 60s"), and the outcome does not depend on which other sources
 * happen to be set. Values shadowed by a higher source are not checked.
 *
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  static final String AGENT_ARGUMENT = "agent argument";

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
      if (name.startsWith(Source.PROPERTY_PREFIX)) {
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
    List<Source> sources = new ArrayList<>();
    sources.add(Source.agentArguments(earlierArgs, agentArgs));
    sources.add(Source.systemProperties(systemProperties));
    sources.add(Source.environment(environment));
    // The file is named by `config` in a higher source, so it is read after them.
    ConfigFile.Located file = ConfigFile.read(sources, workingDirectory);
    sources.add(file.source());

    List<String> problems = new ArrayList<>();
    for (Source s : sources) {
      problems.addAll(s.problems());
    }
    checkKeys(sources, problems);
    file.source().entries().remove(Keys.CONFIG.name());

    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> raw = new TreeMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    resolveFixedKeys(sources, values, raw, origins, problems);
    if (!file.path().isEmpty()) {
      values.put(Keys.CONFIG.name(), file.path());
      raw.put(Keys.CONFIG.name(), file.path());
      origins.put(Keys.CONFIG.name(), file.namedBy());
    }
    resolveFamilies(sources, raw, origins, problems);

    MethodPatterns patterns =
        MethodPatterns.parse(
            ResolvedChecks.castList(values.getOrDefault(Keys.METHODS.name(), Keys.METHODS.defaultValue())),
            origins.get(Keys.METHODS.name()));
    problems.addAll(patterns.problems());
    ResolvedChecks.checkAnnotations(values, origins, problems);
    ResolvedChecks.checkThresholds(values, raw, origins, problems);

    return new AgentConfig(values, raw, origins, problems, patterns.patterns());
  }

  /** Unknown keys, and {@code config} inside the file, per source in precedence order. */
  private static void checkKeys(List<Source> sources, List<String> problems) {
    for (Source s : sources) {
      for (String key : s.entries().keySet()) {
        if (s.kind() == Source.Kind.FILE && key.equals(Keys.CONFIG.name())) {
          problems.add(
              "key 'config' (from "
                  + s.label(key)
                  + ") is ignored inside the configuration file; name the file with an agent"
                  + " argument, system property or environment variable");
        } else if (s.kind() == Source.Kind.SYSTEM_PROPERTIES && key.equals(DEBUG_TRANSFORMER_CPU)) {
          // A measurement switch the transformer reads itself (TransformerCost), not a setting.
        } else if (s.kind() != Source.Kind.ENVIRONMENT) { // its names were checked while mapping them
          checkKnown(key, s.label(key), problems);
        }
      }
    }
  }

  /** Fixed keys: the highest source wins; an invalid winner gives the default. */
  private static void resolveFixedKeys(
      List<Source> sources,
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> origins,
      List<String> problems) {
    for (ConfigKey<?> key : Keys.all()) {
      if (key == Keys.CONFIG) {
        continue;
      }
      for (Source s : sources) {
        String text = s.entries().get(key.name());
        if (text != null) {
          resolve(key, text, s.label(key.name()), values, raw, origins, problems);
          break;
        }
      }
    }
  }

  /** Family entries: per full key, the highest source wins; invalid entries are dropped. */
  private static void resolveFamilies(
      List<Source> sources, Map<String, String> raw, Map<String, String> origins, List<String> problems) {
    Set<String> done = new TreeSet<>();
    for (Source s : sources) {
      for (Map.Entry<String, String> e : s.entries().entrySet()) {
        String key = e.getKey();
        KeyFamily<?> family = Keys.familyOf(key);
        if (family == null || key.length() == family.prefix().length() || done.contains(key)
            || looksLikeFixedKey(key)) {
          continue;
        }
        String where = s.label(key);
        done.add(key);
        try {
          family.type().parse(e.getValue());
          raw.put(key, e.getValue().trim());
          origins.put(key, where);
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
  }

  private static <T> void resolve(
      ConfigKey<T> key,
      String text,
      String where,
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> origins,
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
    origins.put(key.name(), where);
  }

  /** The default as shown in messages and docs: {@code (none)} for an empty one. */
  static <T> String defaultText(ConfigKey<T> key) {
    String s = key.type().format(key.defaultValue());
    return s.isEmpty() ? "(none)" : s;
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

  /**
   * {@code -Dperfmon.debug.transformerCpu=true}: the transformer's CPU time is measured and logged
   * at exit (docs/troubleshooting.md). Read as a system property only, by the transformer itself;
   * known here so that it draws no "unknown key" warning, but from another source it still does
   * (it would have no effect there).
   */
  static final String DEBUG_TRANSFORMER_CPU = "debug.transformerCpu";

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
}
