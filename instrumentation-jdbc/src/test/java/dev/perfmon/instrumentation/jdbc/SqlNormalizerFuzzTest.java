package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of {@link SqlNormalizer} with fixed seeds: statements built from real shapes with
 * secrets planted as literals of every kind (strings in both backslash conventions, numbers,
 * comments, IN lists, multi-row VALUES, dollar-quoted strings, MySQL double-quoted strings in value
 * positions), mutations of such statements, and random text. For every input: no exception and a
 * result within the length limit; for planted secrets: no 12-character piece of the secret in
 * either rendering. The time bound is per test and wide (a loaded 2-core machine); a quadratic case
 * would blow it by far.
 */
class SqlNormalizerFuzzTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final int CASES = 6_000;
  private static final int MAX = 2_000;

  private final SqlNormalizer normalizer = new SqlNormalizer(MAX);

  /**
   * Statement shapes: {V} is a literal slot, {W} a value position where a double-quoted text is a
   * MySQL string (after a comparison or {@code LIKE}, inside {@code IN} and {@code VALUES} lists;
   * elsewhere it is an identifier and kept), {C} a place for a comment.
   */
  static final String[] TEMPLATES = {
    "SELECT id, name FROM users WHERE id = {W} AND name = {W}",
    "select * from users where email={W}{C}",
    "INSERT INTO users (id, name, email) VALUES ({W}, {W}, {W}), ({W}, {W}, {W})",
    "INSERT INTO t VALUES({W},{W});",
    "UPDATE accounts SET balance = balance - {V}, note = {W} WHERE id = {W}",
    "SELECT * FROM orders WHERE status IN ({W}, {W}, {W}) ORDER BY id LIMIT {V} OFFSET {V}",
    "DELETE FROM sessions {C} WHERE token = {W} OR expires < {W}",
    "SELECT CASE WHEN a = {W} THEN {V} ELSE {V} END AS c FROM t",
    "SELECT * FROM t WHERE name LIKE {W} ESCAPE '!' AND x ILIKE {W}",
    "SELECT * FROM t WHERE created > now() - INTERVAL {V} AND d = DATE {V}",
    "WITH x AS (SELECT {V} AS v) SELECT * FROM x WHERE v <> {W}",
    "SELECT data ->> 'key' FROM docs WHERE data @> {V} AND data #> '{a,b}' = {W}",
    "SELECT f({V}, {V}), g({V}) FROM dual",
    "{C}CALL update_user({V}, {V})",
    "SELECT * FROM t WHERE a BETWEEN {V} AND {V}",
    "INSERT INTO t (id, v) VALUES ({W}, {W}) ON CONFLICT (id) DO UPDATE SET v = {W}",
    "INSERT INTO t (id, v) VALUES ({W}, {W}) ON DUPLICATE KEY UPDATE v = {W}",
    "SELECT CAST({V} AS VARCHAR(20)), {V}::text, CONCAT({V}, {V})",
    "INSERT INTO t (a) SELECT {V} UNION ALL SELECT {V}",
    "SELECT * FROM t WHERE (a, b) IN (({W}, {W}), ({W}, {W}))",
    "SELECT * FROM t WHERE id = ANY({V}) AND tags && ARRAY[{V}, {V}]",
    "SELECT * FROM t WHERE x = -{V} AND y = +{V} AND z = {V}*{V}",
    "SELECT {V} {C}, {V} FROM t {C} WHERE id = {W} {C}",
    "SET @password = {W}",
    "SELECT * FROM t WHERE id = {W} FOR UPDATE",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = {W}",
    "SELECT * FROM t WHERE payload = {d {V}} AND ts > {ts {V}}",
  };

  @Test
  void plantedSecretsNeverSurvive() {
    Random rnd = new Random(0x5eed_1001L);
    Map<Literal, Integer> kinds = new EnumMap<>(Literal.class);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            List<String> secrets = new ArrayList<>();
            String sql = plant(rnd, TEMPLATES[rnd.nextInt(TEMPLATES.length)], secrets, kinds);
            SqlNormalizer.Result r = check(sql);
            for (String secret : secrets) {
              assertNoPieceOf(secret, r.sql, sql);
              assertNoPieceOf(secret, r.verbTable, sql);
            }
          }
        });
    for (Literal l : Literal.values()) {
      assertThat(kinds.getOrDefault(l, 0)).as("cases of %s", l).isGreaterThan(100);
    }
  }

  @Test
  void mutatedStatements() {
    Random rnd = new Random(0x5eed_1002L);
    Map<Literal, Integer> kinds = new EnumMap<>(Literal.class);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            String sql = plant(rnd, TEMPLATES[rnd.nextInt(TEMPLATES.length)], new ArrayList<>(), kinds);
            check(mutate(rnd, sql, 1 + rnd.nextInt(6)));
          }
        });
  }

  @Test
  void seededRandomText() {
    Random rnd = new Random(0x5eed_1003L);
    String alphabet = "abcSELECTfromWHERE  \t\n019.,;()[]{}=<>!+-*/%'\"`$?:@#\\_&|^~\u00e9\u20ac";
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int i = 0; i < CASES; i++) {
            int n = 1 + rnd.nextInt(i % 100 == 0 ? 5_000 : 200);
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
              int r = rnd.nextInt(40);
              sb.append(r == 0 ? (char) rnd.nextInt(0x10000) : alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            check(sb.toString());
          }
        });
  }

  @Test
  void hugeAndPathologicalInputsStayFast() {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (String unit :
              new String[] {
                "x IN (", "(", ")", "VALUES (1), ", "$a$", "$", "'", "/*", "*/", "--\n", "\\'", "\"",
                "IN (?, ", "IS NOT TRUE ", "a.b.", "0x", "1e", "E'", "U&'", ":a", "#>"
              }) {
            check(unit.repeat(200_000 / unit.length()));
            check("SELECT " + unit.repeat(100_000 / unit.length()) + " FROM t WHERE a = 'secret'");
          }
          // Many lists: one pass (a scan to the end per list took minutes here).
          check("x IN (".repeat(150_000));
          check("INSERT INTO t VALUES (1, (2), ".repeat(30_000));
        });
  }

  // ---------------------------------------------------------------------------------------------

  /** Literal forms, each holding a secret. */
  enum Literal {
    STRING(Dialect.ANY) {
      @Override
      String of(Random rnd, String s) {
        return "'" + junk(rnd, false) + s + junk(rnd, false) + "'";
      }
    },
    STRING_BACKSLASH_ESCAPES(Dialect.MYSQL) { // \' and \\ inside the string
      @Override
      String of(Random rnd, String s) {
        return "'" + junk(rnd, true) + s + junk(rnd, true) + "'";
      }
    },
    STRING_STANDARD_BACKSLASH(Dialect.POSTGRES) { // a backslash is an ordinary character
      @Override
      String of(Random rnd, String s) {
        String[] pre = {"C:\\", "\\", "a\\b", "\\\\"};
        String[] post = {"\\", "\\\\", "", "\\n"};
        return "'" + pre[rnd.nextInt(pre.length)] + s + post[rnd.nextInt(post.length)] + "'";
      }
    },
    PREFIXED_STRING(Dialect.ANY) {
      @Override
      String of(Random rnd, String s) {
        String[] prefixes = {"E'", "e'", "N'", "n'", "X'", "U&'", "B'"};
        String p = prefixes[rnd.nextInt(prefixes.length)];
        String body = p.startsWith("E") || p.startsWith("e") ? "\\'" + s + "\\\\" : s;
        return p + body + "'";
      }
    },
    DOLLAR_QUOTED(Dialect.POSTGRES) {
      @Override
      String of(Random rnd, String s) {
        String[] tags = {"$$", "$body$", "$a1$", "$_$"};
        String tag = tags[rnd.nextInt(tags.length)];
        String inner = tag.equals("$$") ? " it's \" " : " it's $$ \" -- /* ";
        return tag + inner + s + " " + tag;
      }
    },
    NUMBER(Dialect.ANY) {
      @Override
      String of(Random rnd, String s) {
        String digits = digits(s);
        String[] forms = {"%s", "-%s", "%s.5", ".%s", "1.%se10", "%se-3", "%sL", "0x%s", "%s.%s"};
        return forms[rnd.nextInt(forms.length)].replace("%s", digits);
      }
    },
    HEX_NUMBER(Dialect.ANY) {
      @Override
      String of(Random rnd, String s) {
        return "0x" + s;
      }
    },
    IN_LIST(Dialect.ANY) {
      @Override
      String of(Random rnd, String s) {
        return "(SELECT v FROM w WHERE v IN ('a', " + s.length() + ", '" + s + "', " + digits(s) + "))";
      }
    },
    CONCATENATION(Dialect.ANY) {
      @Override
      String of(Random rnd, String s) {
        return "'a' || '" + s + "' || 'b'";
      }
    },
    /** Only drawn for {W} slots. */
    DOUBLE_QUOTED_VALUE(Dialect.MYSQL) { // a string in a value position
      @Override
      String of(Random rnd, String s) {
        String[] junk = {"", " \"\" x", "it\\\"s ", "\\\\"};
        return "\"" + junk[rnd.nextInt(junk.length)] + s + junk[rnd.nextInt(junk.length)] + "\"";
      }
    };

    final Dialect dialect;

    Literal(Dialect dialect) {
      this.dialect = dialect;
    }

    abstract String of(Random rnd, String secret);
  }

  /**
   * Backslashes in strings and double-quoted strings are MySQL's; dollar quotes, nested comments
   * and backslashes as ordinary characters PostgreSQL's. One statement uses one convention: a
   * statement mixing both is read with one of them (see docs/privacy.md).
   */
  enum Dialect {
    ANY,
    MYSQL,
    POSTGRES
  }

  /** The template with every slot filled; the secrets planted are added to {@code secrets}. */
  static String plant(Random rnd, String template, List<String> secrets, Map<Literal, Integer> kinds) {
    Dialect dialect = rnd.nextBoolean() ? Dialect.MYSQL : Dialect.POSTGRES;
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      if (template.startsWith("{V}", i) || template.startsWith("{W}", i)) {
        String secret = secret(rnd);
        Literal l;
        do {
          l = Literal.values()[rnd.nextInt(Literal.values().length)];
        } while ((l.dialect != Dialect.ANY && l.dialect != dialect)
            || (l == Literal.DOUBLE_QUOTED_VALUE && template.charAt(i + 1) != 'W'));
        kinds.merge(l, 1, Integer::sum);
        String lit = l.of(rnd, secret);
        secrets.add(l == Literal.NUMBER ? digits(secret) : secret);
        sb.append(lit);
        if (rnd.nextInt(4) == 0) {
          sb.append(comment(rnd, dialect, secrets));
        }
        i += 3;
      } else if (template.startsWith("{C}", i)) {
        sb.append(comment(rnd, dialect, secrets));
        i += 3;
      } else {
        sb.append(template.charAt(i++));
      }
    }
    return sb.toString();
  }

  static String comment(Random rnd, Dialect dialect, List<String> secrets) {
    String s = secret(rnd);
    secrets.add(s);
    return switch (rnd.nextInt(6)) {
      case 0 -> " -- " + s + " 'x\n";
      case 1 -> " /* " + s + " it's */ ";
      case 2 -> dialect == Dialect.MYSQL ? " # " + s + "\n" : " -- " + s + "\n";
      case 3 -> dialect == Dialect.POSTGRES ? " /* outer /* " + s + " */ still */ " : " /*!50000 " + s + " */ ";
      case 4 -> " /*+ INDEX(t " + s + ") */ ";
      default -> "--" + s + "\r\n";
    };
  }

  /** 16 to 32 hex characters with a digit and a letter. */
  static String secret(Random rnd) {
    int n = 16 + rnd.nextInt(17);
    String hex = rnd.nextBoolean() ? "0123456789abcdef" : "0123456789ABCDEF";
    StringBuilder sb = new StringBuilder(n);
    sb.append(hex.charAt(10 + rnd.nextInt(6))).append((char) ('0' + rnd.nextInt(10)));
    while (sb.length() < n) {
      sb.append(hex.charAt(rnd.nextInt(16)));
    }
    return sb.toString();
  }

  /** The secret as a number: its hex letters turned into digits, never starting with 0. */
  static String digits(String secret) {
    StringBuilder sb = new StringBuilder("9");
    for (int i = 0; i < secret.length(); i++) {
      char c = secret.charAt(i);
      sb.append(Character.isDigit(c) ? c : (char) ('0' + Character.digit(c, 16) % 10));
    }
    return sb.toString();
  }

  /** Text around a secret inside a single-quoted string: quotes doubled (and backslash-escaped). */
  static String junk(Random rnd, boolean backslashes) {
    String[] plain = {"", " ", "''", "it''s ", "--", "/*", "$$", "\"", "\u00e9\u20ac ", "\n", "?", ":x ", ";"};
    String[] escaped = {"\\'", "\\\\", "\\n", "it\\'s ", "\\\"", "\\%"};
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      sb.append(backslashes && rnd.nextBoolean() ? escaped[rnd.nextInt(escaped.length)] : plain[rnd.nextInt(plain.length)]);
    }
    return sb.toString();
  }

  static String mutate(Random rnd, String s, int edits) {
    StringBuilder sb = new StringBuilder(s);
    String[] inserts = {"'", "\"", "`", "$$", "$t$", "--", "/*", "*/", "#", "\\", "(", ")", "?", ":a", "E'", "\n", "\u0000", "\uD800"};
    for (int e = 0; e < edits; e++) {
      int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(4)) {
        case 0 -> sb.insert(at, inserts[rnd.nextInt(inserts.length)]);
        case 1 -> {
          if (at < sb.length()) {
            sb.deleteCharAt(at);
          }
        }
        case 2 -> {
          int to = Math.min(sb.length(), at + rnd.nextInt(20));
          sb.insert(at, sb.substring(at, to));
        }
        default -> {
          int to = Math.min(sb.length(), at + rnd.nextInt(20));
          sb.delete(at, to);
        }
      }
    }
    return sb.toString();
  }

  SqlNormalizer.Result check(String sql) {
    SqlNormalizer.Result r;
    try {
      r = normalizer.normalizeBoth(sql);
    } catch (RuntimeException e) {
      throw new AssertionError("threw for " + printable(sql), e);
    }
    int limit = MAX + SqlNormalizer.TRUNCATION_MARKER.length();
    if (r.sql == null || r.verbTable == null || r.sql.length() > limit || r.verbTable.length() > limit || r.sql.isEmpty()) {
      throw new AssertionError("bad result for " + printable(sql) + ": " + r.sql + " / " + r.verbTable);
    }
    return r;
  }

  static void assertNoPieceOf(String secret, String out, String sql) {
    String o = out.toLowerCase(Locale.ROOT);
    String s = secret.toLowerCase(Locale.ROOT);
    for (int i = 0; i + 12 <= s.length(); i++) {
      if (o.contains(s.substring(i, i + 12))) {
        throw new AssertionError("secret " + secret + " leaked: " + printable(sql) + " -> " + printable(out));
      }
    }
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 400); i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c > 0x7e ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append(s.length() > 400 ? "...(" + s.length() + " chars)" : "").toString();
  }
}
