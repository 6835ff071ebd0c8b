package dev.perfmon.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds and reads the properties file: the one named by {@code config} in the highest source that
 * has it (relative to the working directory), else {@code agent.properties} in the working
 * directory when it exists, else none. A named file that does not exist is a problem; the default
 * one silently may not exist.
 */
final class ConfigFile {
  private ConfigFile() {}

  static final String DEFAULT_FILE = "agent.properties";

  /**
   * The file's source (empty when there is none or it cannot be read), the value of the {@code
   * config} key (the absolute path read, empty when none was) and who named the file ({@code
   * working directory} for the default file, {@code default} when none was read).
   */
  record Located(Source source, String path, String namedBy) {}

  /** Reads the file that {@code higher} (the sources above the file, highest first) name. */
  static Located read(List<Source> higher, Path workingDirectory) {
    List<String> problems = new ArrayList<>();
    Map<String, String> entries = new TreeMap<>();
    String configSource = "default";
    String named = null;
    String namedBy = null;
    for (Source s : higher) {
      String v = s.entries().get(Keys.CONFIG.name());
      if (v != null && !v.isBlank()) {
        named = v.trim();
        namedBy = s.label(Keys.CONFIG.name());
        break;
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
    String configValue = "";
    String label = null;
    if (path != null) {
      label = "file " + path;
      if (read(path, entries, problems)) {
        configValue = path.toString();
      } else {
        configSource = "default";
      }
    }
    return new Located(Source.file(label, entries, problems), configValue, configSource);
  }

  /**
   * Reads the properties file into {@code out}; false (and a problem) when it cannot be read at
   * all. A line that cannot be decoded or parsed costs only itself (see {@link PropertiesFile}).
   */
  private static boolean read(Path path, Map<String, String> out, List<String> problems) {
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
}
