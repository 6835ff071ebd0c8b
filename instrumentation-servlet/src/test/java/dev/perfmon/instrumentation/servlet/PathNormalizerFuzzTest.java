package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of {@link PathNormalizer} with fixed seeds: seeded random URIs, mutations of real
 * request URIs, and secrets planted in every part of a URI. For every input: no exception, a
 * bounded result that starts with {@code /} and holds no control character, {@code ?}, {@code #} or
 * {@code ;}; for planted secrets: no 12-character piece of the secret in the result. The time bound
 * is per test and wide (a loaded 2-core machine); a quadratic case would blow it by far.
 */
class PathNormalizerFuzzTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final int CASES = 6_000;

  /** Request URIs as containers hand them to servlets (raw, undecoded, path parameters kept). */
  static final String[] CORPUS = {
    "/",
    "/owners/12/pets/3/edit",
    "/owners/find",
    "/api/v1/users",
    "/api/v1/users/42/orders",
    "/static/css/petclinic.css",
    "/webjars/bootstrap/5.3.2/dist/js/bootstrap.bundle.min.js",
    "/actuator/health/liveness",
    "/shop/cart;jsessionid=0A1B2C3D4E5F6A7B8C9D/checkout",
    "/search?q=shoes&page=2",
    "/caf%C3%A9/menu",
    "/%E6%97%A5%E6%9C%AC/42",
    "/files/123e4567-e89b-12d3-a456-426614174000/meta",
    "/docs/getting-started.html#install",
    "/blog/2024/05/release-notes-final",
    "/a%2Fb/c",
    "/users//list/",
    "/login;JSESSIONID=abc?next=/home",
    "/graphql",
    "/v2/items/sku-AB-1234",
    "/reset/dGhpcyBpcyBhIHNlY3JldCB0b2tlbg==",
    "/app/",
    "/app/owners/new",
    "http://example.com:8080/x/y",
    "/%7Euser/public_html/index.php",
  };

  @Test
  void seededRandomUris() {
    Random rnd = new Random(0x5eed_0001L);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            String uri = randomUri(rnd, 1 + rnd.nextInt(i % 100 == 0 ? 4000 : 120));
            check(uri);
          }
        });
  }

  @Test
  void mutatedRealUris() {
    Random rnd = new Random(0x5eed_0002L);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            check(mutate(rnd, CORPUS[rnd.nextInt(CORPUS.length)], 1 + rnd.nextInt(6)));
          }
        });
  }

  @Test
  void plantedSecretsNeverSurvive() {
    Random rnd = new Random(0x5eed_0003L);
    Map<Plant, Integer> kinds = new EnumMap<>(Plant.class);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            String base = CORPUS[rnd.nextInt(CORPUS.length)];
            if (rnd.nextBoolean()) {
              base = mutate(rnd, base, 1 + rnd.nextInt(3));
            }
            String secret = secret(rnd);
            Plant kind = Plant.values()[rnd.nextInt(Plant.values().length)];
            kinds.merge(kind, 1, Integer::sum);
            String uri = kind.plant(rnd, base, secret);
            String out = check(uri);
            assertNoPieceOf(secret, out, uri + " (" + kind + ")");
          }
        });
    for (Plant p : Plant.values()) {
      assertThat(kinds.getOrDefault(p, 0)).as("cases of %s", p).isGreaterThan(CASES / Plant.values().length / 2);
    }
  }

  @Test
  void hugeInputsStayLinear() {
    Random rnd = new Random(0x5eed_0004L);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int round = 0; round < 5; round++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 200_000) {
              sb.append(rnd.nextBoolean() ? "/" : "").append(randomUri(rnd, 1 + rnd.nextInt(8)));
            }
            check(sb.toString());
            check("/" + "a".repeat(200_000));
            check("/a".repeat(100_000));
            check("/%41".repeat(60_000));
          }
        });
  }

  /** Where a secret goes. */
  enum Plant {
    SEGMENT {
      @Override
      String plant(Random rnd, String base, String secret) {
        return insertSegment(rnd, base, secret);
      }
    },
    EMBEDDED_IN_SEGMENT {
      @Override
      String plant(Random rnd, String base, String secret) {
        String[] prefixes = {"", "reset-", "x_", "token=", "report.", "~", "ghost", "Key:", "a+b"};
        String[] suffixes = {"", ".json", "-v2", ".html", "_tmp", "!", "zz"};
        return insertSegment(
            rnd, base, prefixes[rnd.nextInt(prefixes.length)] + secret + suffixes[rnd.nextInt(suffixes.length)]);
      }
    },
    PATH_PARAMETER {
      @Override
      String plant(Random rnd, String base, String secret) {
        String[] params = {";jsessionid=", ";", ";a=b;token=", ";JSESSIONID=", ";v=1;s="};
        return insertIntoPath(rnd, base, params[rnd.nextInt(params.length)] + secret);
      }
    },
    QUERY_STRING {
      @Override
      String plant(Random rnd, String base, String secret) {
        return pathOf(base) + "?password=" + secret + (rnd.nextBoolean() ? "&x=/a/b" : "");
      }
    },
    FRAGMENT {
      @Override
      String plant(Random rnd, String base, String secret) {
        return pathOf(base) + "#" + secret;
      }
    },
    ENCODED_DELIMITER {
      @Override
      String plant(Random rnd, String base, String secret) {
        String[] delimiters = {"%3F", "%3f", "%23", "%3B", "%3b", "%253F", "%2523", "%253b", "%25253F"};
        String d = delimiters[rnd.nextInt(delimiters.length)];
        String after = rnd.nextBoolean() ? "password=" + secret : "x/" + secret + "/y";
        if (d.contains("3B") || d.contains("3b")) {
          after = "jsessionid=" + secret; // a path parameter only hides the rest of its segment
        }
        return insertIntoPath(rnd, base, d + after);
      }
    },
    PERCENT_ENCODED_SECRET {
      @Override
      String plant(Random rnd, String base, String secret) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < secret.length(); k++) {
          char c = secret.charAt(k);
          sb.append(rnd.nextBoolean() ? String.format(Locale.ROOT, "%%%02X", (int) c) : String.valueOf(c));
        }
        String[] wrap = {"", "file-", "a%2F", "%E2%82%AC"};
        return insertSegment(rnd, base, wrap[rnd.nextInt(wrap.length)] + sb);
      }
    },
    USER_INFO {
      @Override
      String plant(Random rnd, String base, String secret) {
        String path = pathOf(base);
        return (rnd.nextBoolean() ? "http" : "https") + "://user:" + secret + "@example.com:8443"
            + (path.startsWith("/") ? path : "/" + path);
      }
    },
    LONG_SEGMENT {
      @Override
      String plant(Random rnd, String base, String secret) {
        return insertSegment(rnd, base, "name-" + "x".repeat(rnd.nextInt(80)) + secret + "-y");
      }
    };

    abstract String plant(Random rnd, String base, String secret);
  }

  // ---------------------------------------------------------------------------------------------

  /** Normalises and checks the invariants that hold for every input; returns the result. */
  static String check(String uri) {
    String out;
    String plain;
    try {
      out = PathNormalizer.normalize(uri);
      plain = PathNormalizer.plainPath(uri);
    } catch (RuntimeException e) {
      throw new AssertionError("threw for " + printable(uri), e);
    }
    String problem = problem(out, PathNormalizer.MAX_LENGTH);
    if (problem == null) {
      problem = problem(plain, Integer.MAX_VALUE);
    }
    if (problem != null) {
      throw new AssertionError(problem + ": " + printable(uri) + " -> " + printable(out));
    }
    return out;
  }

  private static String problem(String out, int maxLength) {
    if (out.isEmpty() || out.charAt(0) != '/') {
      return "does not start with /";
    }
    if (out.length() > maxLength) {
      return "longer than " + maxLength;
    }
    for (int i = 0; i < out.length(); i++) {
      char c = out.charAt(i);
      if (c == '?' || c == '#' || c == ';' || Character.isISOControl(c)) {
        return "holds " + printable(String.valueOf(c));
      }
    }
    return null;
  }

  /** No 12-character window of the secret appears, in any case. */
  static void assertNoPieceOf(String secret, String out, String uri) {
    String o = out.toLowerCase(Locale.ROOT);
    String s = secret.toLowerCase(Locale.ROOT);
    for (int i = 0; i + 12 <= s.length(); i++) {
      if (o.contains(s.substring(i, i + 12))) {
        throw new AssertionError(
            "secret " + secret + " leaked: " + printable(uri) + " -> " + printable(out));
      }
    }
  }

  /** 16 to 32 characters: hex with a digit and a letter, or a long number. */
  static String secret(Random rnd) {
    int n = 16 + rnd.nextInt(17);
    StringBuilder sb = new StringBuilder(n);
    if (rnd.nextInt(4) == 0) {
      sb.append((char) ('1' + rnd.nextInt(9)));
      while (sb.length() < n) {
        sb.append((char) ('0' + rnd.nextInt(10)));
      }
      return sb.toString();
    }
    String hex = rnd.nextBoolean() ? "0123456789abcdef" : "0123456789ABCDEF";
    sb.append((char) ('0' + rnd.nextInt(10))).append(hex.charAt(10 + rnd.nextInt(6)));
    while (sb.length() < n) {
      sb.append(hex.charAt(rnd.nextInt(16)));
    }
    return sb.toString();
  }

  private static final String URI_CHARS =
      "abcxyzABCXYZ0123456789-._~!$&'()*+,=:@/////%%%;;??##";

  static String randomUri(Random rnd, int length) {
    StringBuilder sb = new StringBuilder(length + 1);
    if (rnd.nextInt(10) > 0) {
      sb.append('/');
    }
    while (sb.length() < length) {
      int r = rnd.nextInt(20);
      if (r == 0) {
        sb.append((char) rnd.nextInt(0x20)); // control
      } else if (r == 1) {
        sb.append((char) (0x80 + rnd.nextInt(0xFF80))); // any BMP char, lone surrogates included
      } else if (r == 2) {
        sb.append('%').append(Integer.toHexString(0x100 + rnd.nextInt(0x100)).substring(1));
      } else if (r == 3) {
        sb.append(new String(Character.toChars(0x1F600 + rnd.nextInt(50))));
      } else {
        sb.append(URI_CHARS.charAt(rnd.nextInt(URI_CHARS.length())));
      }
    }
    return sb.toString();
  }

  /** Random edits: insertions of URI characters, escapes and delimiters, deletions, repeats. */
  static String mutate(Random rnd, String s, int edits) {
    StringBuilder sb = new StringBuilder(s);
    String[] inserts = {"%", "%3", "%3F", "%23", "%3B", "%2F", "%C3", "%C3%A9", "%FF", ";", "?", "#", "/", "//", "{", "\u0000", "\uFFFD", "\uD800", "..", "~"};
    for (int e = 0; e < edits; e++) {
      int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(5)) {
        case 0 -> sb.insert(at, inserts[rnd.nextInt(inserts.length)]);
        case 1 -> sb.insert(at, URI_CHARS.charAt(rnd.nextInt(URI_CHARS.length())));
        case 2 -> {
          if (at < sb.length()) {
            sb.deleteCharAt(at);
          }
        }
        case 3 -> {
          int to = Math.min(sb.length(), at + rnd.nextInt(12));
          sb.insert(at, sb.substring(at, to));
        }
        default -> {
          if (at < sb.length()) {
            char c = sb.charAt(at);
            sb.setCharAt(at, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
          }
        }
      }
    }
    return sb.toString();
  }

  /** The base without its query string and fragment (planting after those would be too easy). */
  static String pathOf(String base) {
    int end = base.length();
    int q = base.indexOf('?');
    int h = base.indexOf('#');
    if (q >= 0) {
      end = q;
    }
    if (h >= 0 && h < end) {
      end = h;
    }
    return base.substring(0, end);
  }

  /** The base with a new segment at a random segment boundary of its path. */
  static String insertSegment(Random rnd, String base, String segment) {
    String path = pathOf(base);
    String rest = base.substring(path.length());
    int[] slashes = path.chars().filter(c -> c == '/').toArray();
    if (slashes.length == 0 || rnd.nextInt(3) == 0) {
      return path + (path.endsWith("/") ? "" : "/") + segment + rest;
    }
    int nth = rnd.nextInt(slashes.length);
    int at = -1;
    for (int k = 0; k <= nth; k++) {
      at = path.indexOf('/', at + 1);
    }
    return path.substring(0, at + 1) + segment + "/" + path.substring(at + 1) + rest;
  }

  /** The base with text appended to a random segment of its path (the end of that segment). */
  static String insertIntoPath(Random rnd, String base, String text) {
    String path = pathOf(base);
    String rest = base.substring(path.length());
    int at = path.length();
    if (rnd.nextBoolean()) {
      int slash = path.indexOf('/', rnd.nextInt(path.length() + 1));
      if (slash > 0) {
        at = slash;
      }
    }
    return path.substring(0, at) + text + path.substring(at) + rest;
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 300); i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c > 0x7e ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append(s.length() > 300 ? "...(" + s.length() + " chars)" : "").toString();
  }
}
