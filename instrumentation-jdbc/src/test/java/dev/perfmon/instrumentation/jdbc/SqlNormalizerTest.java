package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlNormalizerTest {
  private final SqlNormalizer normalizer = new SqlNormalizer(300);

  static Stream<Arguments> statements() {
    return Stream.of(
        // --- basics
        row("SELECT id, name FROM users WHERE id = 42", "SELECT id, name FROM users WHERE id = ?"),
        row("SELECT id, name FROM users WHERE id = ?", "SELECT id, name FROM users WHERE id = ?"),
        row("  select *\n\tfrom   users\r\n where name='bob'  ", "select * from users where name='?'".replace("'?'", "?")),
        row("SELECT * FROM t WHERE a = 'x' AND b = 'y'", "SELECT * FROM t WHERE a = ? AND b = ?"),
        row("UPDATE accounts SET balance = balance - 100.50 WHERE id = 7", "UPDATE accounts SET balance = balance - ? WHERE id = ?"),
        row("DELETE FROM sessions WHERE expires < 1700000000000", "DELETE FROM sessions WHERE expires < ?"),
        row("INSERT INTO users (id, name) VALUES (1, 'alice')", "INSERT INTO users (id, name) VALUES (?, ?)"),
        row("SELECT 1", "SELECT ?"),
        row("select count(*) from orders;", "select count(*) from orders"),
        row("SELECT * FROM t;;  ", "SELECT * FROM t"),
        // --- string escapes
        row("SELECT * FROM t WHERE s = 'it''s'", "SELECT * FROM t WHERE s = ?"),
        row("SELECT * FROM t WHERE s = 'it\\'s' AND u = 2", "SELECT * FROM t WHERE s = ? AND u = ?"),
        row("SELECT * FROM t WHERE path = 'C:\\' AND n = 'x'", "SELECT * FROM t WHERE path = ? AND n = ?"),
        // MySQL double-quoted strings with backslash escapes
        row("SELECT * FROM t WHERE a = \"it\\\"s hunter2\" AND b = 1", "SELECT * FROM t WHERE a = ? AND b = ?"),
        // both conventions close every string: what the standard reading takes for literals and
        // comments is hidden in the MySQL reading (the PostgreSQL statement's 'hunter2' is a string)
        row("SELECT * FROM t WHERE a = 'x\\' AND b = 'hunter2' /* it's */", "SELECT * FROM t WHERE a = ? ?"),
        row("SELECT E'line\\nbreak \\' quote', 'a'", "SELECT ?, ?"),
        row("SELECT N'unicode', X'DEADBEEF', B'0101', x'ff'", "SELECT ?, ?, ?, ?"),
        row("SELECT U&'d\\0061t\\+000061'", "SELECT ?"),
        row("SELECT * FROM t WHERE s = ''", "SELECT * FROM t WHERE s = ?"),
        // --- dollar quoting
        row("SELECT $$it's a $dollar$ string$$", "SELECT ?"),
        row("SELECT $tag$ body with $$ inside $tag$, 5", "SELECT ?, ?"),
        row("CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 42; END $fn$ LANGUAGE plpgsql",
            "CREATE FUNCTION f() RETURNS int AS ? LANGUAGE plpgsql"),
        // --- parameters
        row("SELECT * FROM t WHERE a = $1 AND b = $22", "SELECT * FROM t WHERE a = ? AND b = ?"),
        row("SELECT * FROM t WHERE a = :id AND b = :other_name", "SELECT * FROM t WHERE a = ? AND b = ?"),
        row("SELECT a::text, b::int FROM t WHERE c = ?::uuid", "SELECT a::text, b::int FROM t WHERE c = ?::uuid"),
        // --- numbers
        row("SELECT * FROM t WHERE x = -5 AND y = +3.25 AND z = 1e10 AND w = 2.5E-3", "SELECT * FROM t WHERE x = ? AND y = ? AND z = ? AND w = ?"),
        row("SELECT a - 1, a-1, (a)-1 FROM t", "SELECT a - ?, a-?, (a)-?"+" FROM t"),
        row("SELECT .5, 0.5, 5., 0xFF, 0x1aB FROM dual", "SELECT ?, ?, ?, ?, ? FROM dual"),
        row("SELECT * FROM t2 WHERE col_3 = 3 AND t2.x1 = 12abc", "SELECT * FROM t2 WHERE col_3 = ? AND t2.x1 = ?"),
        row("SELECT * FROM t LIMIT 10 OFFSET 20", "SELECT * FROM t LIMIT ? OFFSET ?"),
        row("SELECT * FROM t WHERE a BETWEEN -1 AND -2", "SELECT * FROM t WHERE a BETWEEN ? AND ?"),
        // --- booleans
        row("UPDATE t SET active = TRUE WHERE deleted = false", "UPDATE t SET active = ? WHERE deleted = ?"),
        row("SELECT * FROM t WHERE flag IS TRUE AND other IS NOT FALSE", "SELECT * FROM t WHERE flag IS TRUE AND other IS NOT FALSE"),
        row("SELECT * FROM t WHERE a IS NULL AND b = NULL", "SELECT * FROM t WHERE a IS NULL AND b = NULL"),
        // --- identifiers
        row("SELECT \"Id\", \"user name\" FROM \"Users\" WHERE \"Id\" = 3", "SELECT \"Id\", \"user name\" FROM \"Users\" WHERE \"Id\" = ?"),
        row("SELECT `id` FROM `my table` WHERE `x` = 'y'", "SELECT `id` FROM `my table` WHERE `x` = ?"),
        row("SELECT * FROM users WHERE name = \"alice\"", "SELECT * FROM users WHERE name = ?"),
        row("INSERT INTO t VALUES (\"mysql string\", 1)", "INSERT INTO t VALUES (?, ?)"),
        row("SELECT \"a\"\"b\" FROM t", "SELECT \"a\"\"b\" FROM t"),
        row("SELECT my$col, @var, @@session.x FROM t", "SELECT my$col, @var, @@session.x FROM t"),
        row("SELECT * FROM schema1.table2 t WHERE t.col = 1", "SELECT * FROM schema1.table2 t WHERE t.col = ?"),
        // --- unicode
        row("SELECT prénom FROM clients WHERE ville = 'Zürich' AND 名前 = '東京'", "SELECT prénom FROM clients WHERE ville = ? AND 名前 = ?"),
        row("SELECT * FROM t WHERE emoji = '😀🎉' AND n = 1", "SELECT * FROM t WHERE emoji = ? AND n = ?"),
        // --- comments
        row("SELECT a -- trailing comment with 'quote' and 123\nFROM t", "SELECT a FROM t"),
        row("SELECT /* block 'x' 99 */ a FROM /* another */ t", "SELECT a FROM t"),
        row("SELECT /* outer /* nested 7 */ still comment */ a FROM t", "SELECT a FROM t"),
        row("SELECT a FROM t # mysql comment 'secret'\nWHERE b = 1", "SELECT a FROM t WHERE b = ?"),
        row("SELECT data #> '{a,b}', data #>> '{c}' FROM docs", "SELECT data #> ?, data #>> ? FROM docs"),
        row("/*+ INDEX(t idx) */ SELECT * FROM t", "SELECT * FROM t"),
        // --- IN lists
        row("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (?)"),
        row("SELECT * FROM t WHERE id IN (?, ?, ?, ?)", "SELECT * FROM t WHERE id IN (?)"),
        row("SELECT * FROM t WHERE id in ('a','b') AND x NOT IN (7)", "SELECT * FROM t WHERE id in (?) AND x NOT IN (?)"),
        row("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))", "SELECT * FROM t WHERE (a, b) IN (?)"),
        row("SELECT * FROM t WHERE id IN (SELECT uid FROM u WHERE k = 5)", "SELECT * FROM t WHERE id IN (SELECT uid FROM u WHERE k = ?)"),
        row("SELECT * FROM t WHERE s IN (\"x\", \"y\")", "SELECT * FROM t WHERE s IN (?)"),
        // --- multi-row VALUES
        row("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT INTO t (a, b) VALUES (?, ?)"),
        row("INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b",
            "INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b"),
        row("INSERT INTO t VALUES (1, now()), (2, now())", "INSERT INTO t VALUES (?, now())"),
        row("INSERT INTO t (a) VALUES (1),(2),(3) ON DUPLICATE KEY UPDATE a = VALUES(a)", "INSERT INTO t (a) VALUES (?) ON DUPLICATE KEY UPDATE a = VALUES(a)"),
        // --- CTEs and complex queries
        row("WITH recent AS (SELECT * FROM orders WHERE created > '2024-01-01') SELECT count(*) FROM recent WHERE total > 100",
            "WITH recent AS (SELECT * FROM orders WHERE created > ?) SELECT count(*) FROM recent WHERE total > ?"),
        row("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) SELECT * FROM n",
            "WITH RECURSIVE n(x) AS (SELECT ? UNION ALL SELECT x + ? FROM n WHERE x < ?) SELECT * FROM n"),
        row("SELECT CASE WHEN a > 5 THEN 'big' ELSE 'small' END FROM t", "SELECT CASE WHEN a > ? THEN ? ELSE ? END FROM t"),
        row("SELECT u.id, count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id AND o.status = 'PAID' GROUP BY u.id HAVING count(o.id) > 3 ORDER BY 2 DESC",
            "SELECT u.id, count(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id AND o.status = ? GROUP BY u.id HAVING count(o.id) > ? ORDER BY ? DESC"),
        row("SELECT * FROM t WHERE ts > NOW() - INTERVAL '1 day'", "SELECT * FROM t WHERE ts > NOW() - INTERVAL ?"),
        row("{call update_stats(?, 'x', 3)}", "{call update_stats(?, ?, ?)}"),
        row("{ts '2024-01-01 00:00:00'}", "{ts ?}"),
        row("SELECT jsonb_col->>'name', arr[1] FROM t", "SELECT jsonb_col->>?, arr[?] FROM t"),
        row("MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.v = 'q'", "MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.v = ?"),
        row("SET search_path TO myschema, public", "SET search_path TO myschema, public"),
        row("SELECT * FROM t WHERE name LIKE '%smith%' ESCAPE '\\\\'", "SELECT * FROM t WHERE name LIKE ? ESCAPE ?"),
        // --- malformed
        row("SELECT * FROM t WHERE s = 'unterminated secret", "SELECT * FROM t WHERE s = ?"),
        row("SELECT * FROM t WHERE s = \"unterminated secret", "SELECT * FROM t WHERE s = ?"),
        row("SELECT * FROM t /* unterminated comment 'secret'", "SELECT * FROM t"),
        row("SELECT $$ unterminated dollar secret", "SELECT ?"),
        row("SELECT * FROM t WHERE id IN (1, 2", "SELECT * FROM t WHERE id IN (?, ?"),
        row("))) ((( , ,", "))) ((( , ,"),
        row("", "{empty}"),
        row("   \n\t ", "{empty}"),
        row("-- only a comment 123", "{empty}"));
  }

  private static Arguments row(String in, String expected) {
    return Arguments.of(in, expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("statements")
  void normalizes(String in, String expected) {
    assertThat(normalizer.normalize(in)).isEqualTo(expected);
  }

  @Test
  void atLeastFiftyStatementsAreCovered() {
    assertThat(statements().count()).isGreaterThanOrEqualTo(50);
  }

  @Test
  void nullGivesEmptyMarker() {
    assertThat(normalizer.normalize(null)).isEqualTo("{empty}");
  }

  @Test
  void longStatementsAreCutWithMarker() {
    StringBuilder sb = new StringBuilder("SELECT ");
    for (int i = 0; i < 200; i++) {
      sb.append(i == 0 ? "" : ", ").append("column_").append(i).append(" + ").append(i * 7);
    }
    sb.append(" FROM wide_table");
    String out = new SqlNormalizer(100).normalize(sb.toString());
    assertThat(out).hasSize(100 + SqlNormalizer.TRUNCATION_MARKER.length());
    assertThat(out).startsWith("SELECT column_0 + ?, column_1 + ?").endsWith(SqlNormalizer.TRUNCATION_MARKER);
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    // 20 ASCII chars then an emoji identifier: a cut at 21 would split the pair.
    String out = new SqlNormalizer(21).normalize("SELECT abcdefghijk, 😀x FROM t");
    assertThat(out).isEqualTo("SELECT abcdefghijk, " + SqlNormalizer.TRUNCATION_MARKER);
  }

  @Test
  void manyRowValuesAreCollapsedInLinearTime() {
    StringBuilder sb = new StringBuilder("INSERT INTO t (a, b) VALUES ");
    for (int i = 0; i < 20_000; i++) {
      sb.append(i == 0 ? "" : ", ").append("(").append(i).append(", 'v").append(i).append("')");
    }
    assertThat(normalizer.normalize(sb.toString())).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?)");
  }

  @Test
  void verbTableForms() {
    assertThat(verb("SELECT id FROM users WHERE id = 1")).isEqualTo("SELECT users");
    assertThat(verb("select * from public.users u join x on 1=1")).isEqualTo("SELECT public.users");
    assertThat(verb("INSERT INTO orders (a) VALUES (1)")).isEqualTo("INSERT orders");
    assertThat(verb("update \"Accounts\" set a = 1")).isEqualTo("UPDATE \"Accounts\"");
    assertThat(verb("DELETE FROM sessions WHERE x = 1")).isEqualTo("DELETE sessions");
    assertThat(verb("WITH r AS (SELECT * FROM a) SELECT * FROM r")).isEqualTo("SELECT r");
    assertThat(verb("SELECT (SELECT max(x) FROM inner_t) FROM outer_t")).isEqualTo("SELECT outer_t");
    assertThat(verb("SELECT 1")).isEqualTo("SELECT");
    assertThat(verb("CREATE TABLE IF NOT EXISTS audit (id int)")).isEqualTo("CREATE audit");
    assertThat(verb("{call do_it(?)}")).isEqualTo("CALL do_it");
    assertThat(verb("COMMIT")).isEqualTo("COMMIT");
  }

  private String verb(String sql) {
    return normalizer.normalizeBoth(sql).verbTable;
  }

  // ----------------------------------------------------------------------------------------------
  // Property: random literals placed into templates never appear in the output.

  private static final String[] TEMPLATES = {
    "SELECT * FROM t WHERE a = %s",
    "SELECT * FROM t WHERE a = %s AND b <> %s",
    "INSERT INTO t (a, b) VALUES (%s, %s)",
    "INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s)",
    "UPDATE t SET a = %s WHERE id IN (%s, %s)",
    "SELECT %s, %s FROM dual",
    "SELECT * FROM t WHERE a LIKE %s -- comment\n AND b = %s",
    "DELETE FROM t WHERE a BETWEEN %s AND %s",
    "SELECT CASE WHEN x > %s THEN %s ELSE %s END FROM t",
    "SELECT * FROM t WHERE a = %s /* c */ AND b=%s",
    "CALL proc(%s, %s)",
    "SELECT * FROM t WHERE a = ANY(ARRAY[%s, %s])",
    "SELECT * FROM t WHERE a=%s OR b>%s OR c<=%s",
  };

  @Test
  void randomLiteralsNeverLeak() {
    Random random = new Random(0x5eed);
    int checked = 0;
    for (int round = 0; round < 3000; round++) {
      String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
      int slots = template.split("%s", -1).length - 1;
      List<String> secrets = new ArrayList<>();
      Object[] literals = new Object[slots];
      for (int i = 0; i < slots; i++) {
        String secret = "zq" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        String digits = Long.toString(100_000_000L + (random.nextLong() & 0xffffffffL) * 7);
        int kind = random.nextInt(9);
        String literal;
        String mark;
        String hex = Long.toHexString(Long.parseLong(digits));
        literal =
            switch (kind) {
              case 0 -> "'" + secret + "'";
              case 1 -> "'" + secret + "''s " + secret + "'";
              case 2 -> "'" + secret + "\\'x'";
              case 3 -> "E'" + secret + "\\n'";
              case 4 -> "$$" + secret + "$$";
              case 5 -> "$q$" + secret + " ' $$ $q$";
              case 6 -> digits;
              case 7 -> "-" + digits + "." + digits.substring(0, 3) + "e-7";
              default -> "0x" + hex + "AB";
            };
        mark = kind <= 5 ? secret : kind <= 7 ? digits : hex;
        literals[i] = literal;
        secrets.add(mark);
      }
      String sql = String.format(template, literals);
      if (random.nextBoolean()) {
        sql = sql.replace(" ", "  \n ");
      }
      String out = normalizer.normalize(sql);
      for (String s : secrets) {
        assertThat(out).as("normalised %s", sql).doesNotContain(s);
        checked++;
      }
      assertThat(out).doesNotContain("zq");
    }
    assertThat(checked).isGreaterThan(3000);
  }

  @Test
  void randomGarbageNeverThrowsAndNeverLeaksQuotedText() {
    Random random = new Random(42);
    String alphabet = "'\"`$\\-/*#?:;()[]{},.=<>!aZ09 \n\tE_x@";
    for (int round = 0; round < 20_000; round++) {
      int len = random.nextInt(60);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String garbage = sb.toString();
      // A secret inside a single-quoted string, wherever the garbage leaves the lexer.
      String sql = garbage + " WHERE s = 'SECRETzz' AND n = 987654321";
      String out = normalizer.normalize(sql);
      assertThat(out).isNotNull();
      assertThat(out).doesNotContain("987654321");
    }
  }
}
