package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of {@link MethodPattern#parse} with fixed seeds: valid patterns built from their parts
 * must parse to exactly those parts; random text and mutations of valid patterns either parse to a
 * consistent pattern or fail with the documented {@link IllegalArgumentException} and a message,
 * never with another exception. The time bound is per test and wide (a loaded 2-core machine).
 */
class MethodPatternFuzzTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final int CASES = 6_000;

  private static final String[] PACKAGES = {"com", "example", "service", "repo", "org", "acme", "a1", "_x", "$y", "caf\u00e9"};
  private static final String[] TYPES = {"int", "long", "byte[]", "java.lang.String", "java.util.List", "com.example.Outer$Inner", "char[][]", "Object..."};

  @Test
  void validPatternsParseToTheirParts() {
    Random rnd = new Random(0x5eed_2001L);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            Parts parts = Parts.random(rnd);
            String text = parts.text(rnd);
            MethodPattern p;
            try {
              p = MethodPattern.parse(text);
            } catch (IllegalArgumentException e) {
              throw new AssertionError("rejected a valid pattern '" + text + "': " + e.getMessage(), e);
            }
            assertThat(p.text()).isEqualTo(text.trim());
            assertThat(p.isSubtypePattern()).isEqualTo(parts.kind == '+');
            assertThat(p.isAnnotationPattern()).isEqualTo(parts.kind == '@');
            assertThat(parts.kind == '+' ? p.baseTypeName() : parts.kind == '@' ? p.annotationName() : p.classPattern())
                .isEqualTo(parts.className);
            assertThat(p.methodPattern()).isEqualTo(parts.method);
            assertThat(p.operationName()).isEqualTo(parts.operation);
            if (parts.params == null || parts.params.equals("..")) {
              assertThat(p.parameterTypes()).isNull();
            } else {
              assertThat(p.parameterTypes()).isEqualTo(parts.expectedTypes());
            }
            checkConsistent(p);
            if (parts.kind == ' ' && Globs.isLiteral(parts.className)) {
              assertThat(p.classMatches(parts.className)).as(text).isTrue();
            }
          }
        });
  }

  @Test
  void randomTextParsesOrFailsWithTheDocumentedError() {
    Random rnd = new Random(0x5eed_2002L);
    String alphabet = "abcXYZ019._$*?#+@=()[],. \t<>init/\\-:;\"'\u00e9\u200b";
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            int n = rnd.nextInt(i % 100 == 0 ? 3_000 : 40);
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
              sb.append(rnd.nextInt(30) == 0 ? (char) rnd.nextInt(0x10000) : alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            outcomes[parseOrReject(sb.toString()) ? 0 : 1]++;
          }
        });
    assertThat(outcomes[1]).as("rejected").isPositive();
  }

  @Test
  void mutatedValidPatternsParseOrFailWithTheDocumentedError() {
    Random rnd = new Random(0x5eed_2003L);
    String[] inserts = {"#", "(", ")", "=", "+", "@", "*", "?", ".", "..", "...", ",", " ", "[]", "<init>", "<clinit>", "java.", "dev.perfmon.agent.", "\u0000", "\uD800"};
    int[] outcomes = new int[2];
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            StringBuilder sb = new StringBuilder(Parts.random(rnd).text(rnd));
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
              int at = rnd.nextInt(sb.length() + 1);
              switch (rnd.nextInt(3)) {
                case 0 -> sb.insert(at, inserts[rnd.nextInt(inserts.length)]);
                case 1 -> {
                  if (at < sb.length()) {
                    sb.deleteCharAt(at);
                  }
                }
                default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + rnd.nextInt(10))));
              }
            }
            outcomes[parseOrReject(sb.toString()) ? 0 : 1]++;
          }
        });
    assertThat(outcomes[0]).as("parsed").isPositive();
    assertThat(outcomes[1]).as("rejected").isPositive();
  }

  @Test
  void manyWildcardsMatchInBoundedTime() {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          MethodPattern p = MethodPattern.parse("a" + "*a".repeat(500) + "*b#" + "*x".repeat(500));
          String name = "a".repeat(20_000);
          assertThat(p.classMatches(name)).isFalse();
          assertThat(p.methodMatches("x".repeat(20_000) + "y")).isFalse();
          assertThat(p.classMatches(name + "b")).isTrue();
        });
  }

  /** True when parsed (and consistent), false when rejected with a message. */
  private static boolean parseOrReject(String text) {
    MethodPattern p;
    try {
      p = MethodPattern.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).as("message for %s", printable(text)).isNotBlank();
      return false;
    } catch (RuntimeException e) {
      throw new AssertionError("undocumented exception for " + printable(text), e);
    }
    checkConsistent(p);
    return true;
  }

  /** What holds for every parsed pattern. */
  private static void checkConsistent(MethodPattern p) {
    assertThat(MethodPattern.parse(p.text())).isEqualTo(p);
    assertThat(p.text()).isEqualTo(p.text().trim()).isNotEmpty();
    int kinds = (p.classPattern() != null ? 1 : 0) + (p.baseTypeName() != null ? 1 : 0) + (p.annotationName() != null ? 1 : 0);
    assertThat(kinds).as(p.text()).isEqualTo(1);
    assertThat(p.methodMatches("<clinit>")).isFalse();
    assertThat(p.matchesConstructors()).isEqualTo("<init>".equals(p.methodPattern()));
    if (p.operationName() != null) {
      assertThat(p.operationName()).isNotBlank().doesNotContainAnyWhitespaces();
    }
    if (p.parameterTypes() != null) {
      for (String t : p.parameterTypes()) {
        assertThat(t).isNotBlank().doesNotContainAnyWhitespaces().doesNotEndWith("...");
      }
    }
    for (String excluded : new String[] {"java.lang.String", "jdk.internal.Misc", "sun.misc.Unsafe", "dev.perfmon.agent.Agent"}) {
      assertThat(p.classMatches(excluded)).as("%s matches %s", p.text(), excluded).isFalse();
    }
  }

  /** The parts of a valid pattern. */
  private static final class Parts {
    char kind;
    String className;
    String method;
    String params;
    String operation;

    static Parts random(Random rnd) {
      Parts p = new Parts();
      p.kind = " +@".charAt(rnd.nextInt(3));
      StringBuilder name = new StringBuilder();
      int segments = 1 + rnd.nextInt(5);
      for (int s = 0; s < segments; s++) {
        if (s > 0) {
          name.append('.');
        }
        name.append(PACKAGES[rnd.nextInt(PACKAGES.length)]);
        if (p.kind == ' ' && rnd.nextInt(4) == 0) {
          name.append(rnd.nextBoolean() ? "*" : "?");
        }
      }
      if (p.kind == ' ' && rnd.nextInt(5) == 0) {
        name.append(".*");
      }
      p.className = name.toString();
      if (rnd.nextInt(4) > 0) {
        String[] methods = {"get*", "find", "<init>", "run", "*", "a?c", "handle$1", "\u00e9t\u00e9"};
        p.method = methods[rnd.nextInt(methods.length)];
        if (rnd.nextBoolean()) {
          int n = rnd.nextInt(4);
          if (n == 3) {
            p.params = "..";
          } else {
            List<String> types = new ArrayList<>();
            for (int k = 0; k < n; k++) {
              types.add(TYPES[rnd.nextInt(TYPES.length)]);
            }
            p.params = String.join(rnd.nextBoolean() ? "," : ", ", types);
          }
        }
      }
      if (rnd.nextInt(3) == 0) {
        p.operation = "op." + Integer.toHexString(rnd.nextInt()) + (rnd.nextBoolean() ? "" : "{x}/y");
      }
      return p;
    }

    String text(Random rnd) {
      StringBuilder sb = new StringBuilder();
      if (rnd.nextInt(5) == 0) {
        sb.append("  ");
      }
      if (kind != ' ') {
        sb.append(kind);
      }
      sb.append(className);
      if (method != null) {
        sb.append('#').append(method);
        if (params != null) {
          sb.append('(').append(params).append(')');
        }
      }
      if (operation != null) {
        sb.append(rnd.nextBoolean() ? "=" : " = ").append(operation);
      }
      if (rnd.nextInt(5) == 0) {
        sb.append('\t');
      }
      return sb.toString();
    }

    List<String> expectedTypes() {
      List<String> out = new ArrayList<>();
      if (params.isEmpty()) {
        return out;
      }
      int start = 0;
      while (start <= params.length()) {
        int comma = params.indexOf(',', start);
        int end = comma < 0 ? params.length() : comma;
        String type = params.substring(start, end).trim();
        out.add(type.endsWith("...") ? type.substring(0, type.length() - 3) + "[]" : type);
        start = end + 1;
      }
      return out;
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 200); i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c > 0x7e ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
