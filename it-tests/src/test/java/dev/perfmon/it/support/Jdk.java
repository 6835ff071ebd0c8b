package dev.perfmon.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDK that runs monitored applications. The set comes from the system property
 * {@code perfmon.it.jdks} (comma-separated JAVA_HOMEs; the it-tests pom sets it to the machine's
 * JDK 17 and Temurin 25) or the environment variable {@code PERFMON_IT_JDKS}. A listed JDK that is
 * missing fails the tests: in CI, a silently skipped JDK would hide a regression.
 */
public record Jdk(String name, Path home) {

  public Path java() {
    return home.resolve("bin").resolve("java");
  }

  public Path tool(String name) {
    return home.resolve("bin").resolve(name);
  }

  /** Feature release number, e.g. 17 or 25, read from the JDK's release file. */
  public int feature() {
    return Integer.parseInt(name);
  }

  @Override
  public String toString() {
    return "JDK " + name;
  }

  /** All configured JDKs. */
  public static List<Jdk> all() {
    String spec = System.getProperty("perfmon.it.jdks");
    if (spec == null || spec.isBlank()) {
      spec = System.getenv("PERFMON_IT_JDKS");
    }
    if (spec == null || spec.isBlank()) {
      spec = System.getProperty("java.home");
    }
    List<Jdk> out = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      Path home = Path.of(p);
      if (!Files.isExecutable(home.resolve("bin/java"))) {
        throw new IllegalStateException(
            "JDK not found at " + home + " (from perfmon.it.jdks / PERFMON_IT_JDKS): install it or fix the setting");
      }
      out.add(new Jdk(releaseOf(home), home));
    }
    return out;
  }

  /** The JDK with that feature release (e.g. "25"); fails when not configured. */
  public static Jdk of(String feature) {
    for (Jdk j : all()) {
      if (j.name().equals(feature)) {
        return j;
      }
    }
    throw new IllegalStateException("JDK " + feature + " is not configured in perfmon.it.jdks");
  }

  private static String releaseOf(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          int dot = v.indexOf('.');
          return dot < 0 ? v : v.substring(0, dot);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + home.resolve("release"), e);
    }
    throw new IllegalStateException("no JAVA_VERSION in " + home.resolve("release"));
  }
}
